import { desc, eq } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { models, modelVersions } from '../../db/schema';
import { defaultWorkspaceId } from '../infra/workspace';

export async function listModels() {
  const workspaceId = await defaultWorkspaceId();
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
    .where(eq(models.workspaceId, workspaceId))
    .orderBy(desc(modelVersions.createdAt))
    .limit(200);
}
