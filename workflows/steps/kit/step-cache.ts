import { and, desc, eq, ne, sql } from 'drizzle-orm';
import { getDb } from '../../../db/client';
import { artifactLinks, runs, runSteps } from '../../../db/schema';
import { runWorkspaceId } from '../../../server/infra/workspace';
import { contentHash } from '../../core/canonical-json';
import type { ArtifactRef, StepInput } from '../../core/plan';
import { catalog } from '../catalog';
import { StepLog } from './step-log';

// The step cache: a step whose type, code version, parameters and input artifacts equal those of an
// earlier success reuses that success's outputs instead of running. The key is recorded on every
// success of a cacheable step (implement.ts) and looked up before the next one runs.

/** An earlier success standing in for this step: its outputs, and the run that computed them. */
export interface CachedStep {
  outcome: 'succeeded';
  outputs: Record<string, ArtifactRef>;
  summary: Record<string, unknown>;
  cachedFrom: string;
}

/**
 * Input refs carry their metadata (columns, transform chains, model versions): all of it is part of what the
 * step sees. A train step's output is a model version registered under its pipeline and node
 * (`<pipeline>.<node>`), so its key includes them: another pipeline's identical fit is not this pipeline's
 * model (its endpoint would serve a model named after the other pipeline).
 */
export function stepCacheKey(input: Pick<StepInput, 'type' | 'params' | 'inputs' | 'pipeline' | 'nodeId'>): string {
  const def = catalog[input.type];
  const version = def?.version ?? 1;
  const owner = def && 'fit' in def ? { model: `${input.pipeline}.${input.nodeId}` } : {};
  return contentHash({ type: input.type, version, params: input.params, inputs: input.inputs, ...owner });
}

/** Finds an earlier success with the same key; on a hit, records it as this step's outcome (with lineage) and returns it. */
export async function lookupStepCache(input: StepInput): Promise<CachedStep | null> {
  const key = stepCacheKey(input);
  const db = getDb();
  // Only a success of the same workspace stands in: another workspace's outputs are not this one's to see.
  const workspaceId = await runWorkspaceId(input.runId);
  const [hit] = await db
    .select({ runId: runSteps.runId, cachedFrom: runSteps.cachedFrom, outputs: runSteps.outputs, summary: runSteps.summary })
    .from(runSteps)
    .innerJoin(runs, eq(runs.id, runSteps.runId))
    .where(and(eq(runSteps.cacheKey, key), eq(runSteps.status, 'succeeded'), ne(runSteps.runId, input.runId), eq(runs.workspaceId, workspaceId)))
    .orderBy(desc(runSteps.finishedAt))
    .limit(1);
  if (!hit?.outputs) return null;
  // Points at the run that did the work, even when the hit was itself a reuse.
  const cachedFrom = hit.cachedFrom ?? hit.runId;
  const outputs = hit.outputs as Record<string, ArtifactRef>;
  const summary = (hit.summary as Record<string, unknown> | null) ?? {};
  await db.transaction(async (tx) => {
    const links = [
      ...Object.entries(input.inputs).map(([port, ref]) => ({ port, ref, role: 'input' as const })),
      ...Object.entries(outputs).map(([port, ref]) => ({ port, ref, role: 'output' as const })),
    ].filter((l) => l.ref?.hash);
    if (links.length > 0) {
      await tx
        .insert(artifactLinks)
        .values(links.map((l) => ({ runId: input.runId, nodeId: input.nodeId, port: l.port, role: l.role, artifactHash: l.ref.hash! })))
        .onConflictDoNothing();
    }
    await tx
      .update(runSteps)
      .set({ status: 'succeeded', cacheKey: key, cachedFrom, outputs, summary, error: null, startedAt: sql`coalesce(${runSteps.startedAt}, now())`, finishedAt: sql`now()` })
      .where(and(eq(runSteps.runId, input.runId), eq(runSteps.nodeId, input.nodeId)));
  });
  console.log(`[${input.pipeline}/${input.runId.slice(0, 8)}/${input.nodeId}] cached: reusing the outputs of run ${cachedFrom.slice(0, 8)}`);
  const log = new StepLog({ runId: input.runId, nodeId: input.nodeId, attempt: 1 });
  log.line('info', `Reused the outputs of run ${cachedFrom.slice(0, 8)}: same step, parameters and inputs (step cache)`);
  await log.close();
  return { outcome: 'succeeded', outputs, summary, cachedFrom };
}
