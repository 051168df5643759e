import { and, desc, eq, isNull, or } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { models, modelVersions, runSteps } from '../../db/schema';
import { currentWorkspaceId } from '../infra/workspace';

/** Model versions, newest first; a version whose train step did not finish successfully is left out. */
export async function listModels() {
  const workspaceId = currentWorkspaceId();
  return getDb()
    .select({
      model: models.name,
      version: modelVersions.version,
      task: modelVersions.task,
      algorithm: modelVersions.algorithm,
      target: modelVersions.target,
      metrics: modelVersions.metrics,
      createdAt: modelVersions.createdAt,
    })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .leftJoin(runSteps, and(eq(runSteps.runId, modelVersions.runId), eq(runSteps.nodeId, modelVersions.nodeId)))
    .where(and(eq(models.workspaceId, workspaceId), or(isNull(modelVersions.runId), eq(runSteps.status, 'succeeded'))))
    .orderBy(desc(modelVersions.createdAt))
    .limit(200);
}
