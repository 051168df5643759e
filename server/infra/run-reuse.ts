import { and, eq, inArray, sql } from 'drizzle-orm';
import { getDb, type Db } from '../../db/client';
import { artifactLinks, pipelineVersions, runStarts, runs, runSteps } from '../../db/schema';
import type { ArtifactRef, PipelineWorkflowInput, Plan, ReusedStep } from '../../workflows/core/plan';
import { reuseKeys } from '../../workflows/core/reuse';
import { ServiceError, notFound } from './errors';

// Fix and resume: a new run of a (possibly edited) pipeline that takes, from a failed run, the outputs
// of every step that succeeded there and computes the same thing here (workflows/core/reuse.ts).

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Which steps of `plan` take their outputs from run `oldRunId`. */
export async function reusableSteps(oldRunId: string, plan: Plan): Promise<Record<string, ReusedStep>> {
  const db = getDb();
  // The plan the old run executed (its parameters' values filled in), as its start request holds it;
  // runs from before start requests existed ran their version's plan.
  const [old] = await db
    .select({ plan: pipelineVersions.plan, started: runStarts.input })
    .from(runs)
    .innerJoin(pipelineVersions, eq(pipelineVersions.id, runs.pipelineVersionId))
    .leftJoin(runStarts, eq(runStarts.runId, runs.id))
    .where(eq(runs.id, oldRunId));
  if (!old) throw notFound(`Run "${oldRunId}"`);
  const oldKeys = reuseKeys((old.started as PipelineWorkflowInput | null)?.plan ?? (old.plan as Plan));
  const newKeys = reuseKeys(plan);
  const candidates = plan.steps.map((s) => s.id).filter((id) => oldKeys.get(id) === newKeys.get(id));
  if (candidates.length === 0) return {};
  const rows = await db
    .select({ nodeId: runSteps.nodeId, outputs: runSteps.outputs, summary: runSteps.summary, cachedFrom: runSteps.cachedFrom })
    .from(runSteps)
    .where(and(eq(runSteps.runId, oldRunId), eq(runSteps.status, 'succeeded'), inArray(runSteps.nodeId, candidates)));
  const succeeded = new Map(rows.map((r) => [r.nodeId, r]));
  const reuse: Record<string, ReusedStep> = {};
  // A step is reused only when everything upstream of it is too: its inputs are then the old run's.
  for (const step of plan.steps) {
    const row = succeeded.get(step.id);
    if (!row?.outputs || !step.dependsOn.every((d) => reuse[d])) continue;
    reuse[step.id] = {
      runId: row.cachedFrom ?? oldRunId,
      outputs: row.outputs as Record<string, ArtifactRef>,
      ...(row.summary ? { summary: row.summary as Record<string, unknown> } : {}),
    };
  }
  return reuse;
}

/** Writes the reused steps of a new run as succeeded, with the lineage of the run they came from. */
export async function recordReusedSteps(tx: Tx, runId: string, reuse: Record<string, ReusedStep>) {
  for (const [nodeId, step] of Object.entries(reuse)) {
    await tx
      .update(runSteps)
      .set({ status: 'succeeded', outputs: step.outputs, summary: step.summary ?? null, cachedFrom: step.runId, startedAt: sql`now()`, finishedAt: sql`now()` })
      .where(and(eq(runSteps.runId, runId), eq(runSteps.nodeId, nodeId)));
    const inputs = await tx
      .select({ port: artifactLinks.port, artifactHash: artifactLinks.artifactHash })
      .from(artifactLinks)
      .where(and(eq(artifactLinks.runId, step.runId), eq(artifactLinks.nodeId, nodeId), eq(artifactLinks.role, 'input')));
    const links = [
      ...inputs.map((l) => ({ ...l, role: 'input' as const })),
      ...Object.entries(step.outputs).flatMap(([port, ref]) => (ref.hash ? [{ port, artifactHash: ref.hash, role: 'output' as const }] : [])),
    ];
    if (links.length > 0) await tx.insert(artifactLinks).values(links.map((l) => ({ ...l, runId, nodeId }))).onConflictDoNothing();
  }
}

/** A run can be resumed once it has ended without succeeding. */
export function assertResumable(status: string, runId: string) {
  if (status !== 'failed' && status !== 'cancelled') {
    throw new ServiceError('conflict', `Run ${runId} is ${status}: only a failed or cancelled run can be resumed`);
  }
}
