import { and, eq, sql } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { pipelines, pipelineVersions, runs, triggerFirings, triggers } from '../../db/schema';
import type { Catalog } from '../../workflows/core/compiler';
import { appendAuditEvent } from './audit-log';
import { ServiceError } from './errors';
import { firingByKey, firingOfRun, isDuplicateFiring, recordFiring, type RunFiring } from './run-firing';
import { createRun } from './run-start';
import { creatorActor, currentWorkspaceId, withWorkspace } from './workspace';

// Runs that no person started: a schedule's action, a dataset trigger's debounce workflow, a webhook,
// or another pipeline's success. All of them go through here, so each firing is recorded once (by its
// key) with the run it started or the reason it started none.

export type TriggeredRunResult =
  | { status: 'started'; runId: string; existing: boolean }
  | { status: 'refused' | 'failed'; message: string; existing: boolean };

type FiringRow = NonNullable<Awaited<ReturnType<typeof firingByKey>>>;

function resultOf(row: FiringRow, existing: boolean): TriggeredRunResult {
  return row.status === 'started' && row.runId
    ? { status: 'started', runId: row.runId, existing }
    : { status: row.status === 'started' ? 'failed' : row.status, message: row.message ?? 'Not started', existing };
}

async function recordUnstarted(req: { firing: RunFiring; params?: Record<string, unknown> }, status: 'refused' | 'failed', message: string) {
  const workspaceId = currentWorkspaceId();
  await getDb()
    .transaction((tx) => recordFiring(tx, { ...req.firing, workspaceId, params: req.params, status, message }))
    .catch((err: unknown) => {
      if (!isDuplicateFiring(err)) throw err;
    });
  const row = await firingByKey(req.firing.key);
  return resultOf(row!, false);
}

/**
 * Starts a run of `pipeline` for a firing, once per firing key. A pipeline that cannot run (it no
 * longer compiles, it was removed) or a chain that would come back to a pipeline it passed through is
 * recorded as such and not retried; Temporal or Postgres being unreachable is thrown, so the caller
 * (an activity) retries.
 */
export async function startTriggeredRun(
  catalog: Catalog,
  req: { pipeline: string; params?: Record<string, unknown>; firing: RunFiring },
): Promise<TriggeredRunResult> {
  const prior = await firingByKey(req.firing.key);
  if (prior) return resultOf(prior, true);
  const chain = req.firing.chain ?? [];
  if (chain.includes(req.pipeline)) {
    return recordUnstarted(req, 'refused', `Refused a loop: "${req.pipeline}" already ran in this chain (${[...chain, req.pipeline].join(' → ')})`);
  }
  try {
    const started = await createRun(catalog, req.pipeline, { trigger: req.firing.kind, params: req.params, firing: req.firing });
    if (!started.ok) {
      const first = started.errors[0]!;
      return recordUnstarted(req, 'failed', `Version ${started.version} of "${req.pipeline}" cannot run: ${first.message}`);
    }
    if (!started.existing) await auditTriggeredRun(req.pipeline, req.firing, started.runId, started.version);
    return { status: 'started', runId: started.runId, existing: false };
  } catch (err) {
    if (isDuplicateFiring(err)) return resultOf((await firingByKey(req.firing.key))!, true);
    if (err instanceof ServiceError && err.code !== 'unavailable') return recordUnstarted(req, 'failed', err.message);
    throw err;
  }
}

/** How the audit log names a schedule or trigger (their ids stay in actor_id). */
function actorLabelOf(pipeline: string, firing: RunFiring): string {
  if (firing.kind === 'schedule') return `schedule ${firing.scheduleId ?? '?'}`;
  if (firing.kind === 'step') return `step of run ${firing.originRunId ?? '?'}`;
  return `${firing.kind} trigger of ${pipeline}`;
}

/** The audit log's row for a run no person started: the schedule or trigger is its actor. */
async function auditTriggeredRun(pipeline: string, firing: RunFiring, runId: string, version: number) {
  const actorKind = firing.kind === 'schedule' ? 'schedule' : 'trigger';
  const actorId = firing.scheduleId ?? firing.triggerId ?? null;
  await appendAuditEvent({
    workspaceId: currentWorkspaceId(),
    actorKind,
    actorId,
    actorLabel: actorLabelOf(pipeline, firing),
    action: 'run.started',
    targetKind: 'run',
    target: runId,
    details: { pipeline, version, firing: firing.kind, ...(firing.scheduledAt ? { scheduledAt: firing.scheduledAt.toISOString() } : {}) },
  });
}

/**
 * A run succeeded: every enabled pipeline trigger that follows its pipeline starts its own pipeline.
 * The new run's chain is this run's chain plus this pipeline, so a cycle of triggers stops at the
 * first pipeline that would run a second time. Idempotent per (trigger, source run).
 */
export async function startRunSuccessTriggers(catalog: Catalog, runId: string): Promise<TriggeredRunResult[]> {
  const db = getDb();
  const [source] = await db
    .select({ pipelineId: pipelines.id, pipeline: pipelines.name, status: runs.status, previewUpTo: runs.previewUpTo })
    .from(runs)
    .innerJoin(pipelineVersions, eq(pipelineVersions.id, runs.pipelineVersionId))
    .innerJoin(pipelines, eq(pipelines.id, pipelineVersions.pipelineId))
    .where(eq(runs.id, runId));
  // A preview ran only part of its pipeline: it starts nothing.
  if (!source || source.status !== 'succeeded' || source.previewUpTo) return [];
  const followers = await db
    .select({ id: triggers.id, pipeline: pipelines.name, params: triggers.params, createdBy: triggers.createdBy, createdRole: triggers.createdRole })
    .from(triggers)
    .innerJoin(pipelines, eq(pipelines.id, triggers.pipelineId))
    .where(and(eq(triggers.kind, 'pipeline'), eq(triggers.afterPipelineId, source.pipelineId), eq(triggers.enabled, true)));
  if (followers.length === 0) return [];
  const firing = await firingOfRun(runId);
  const chain = [...((firing?.chain as string[] | undefined) ?? []), source.pipeline];
  const results: TriggeredRunResult[] = [];
  for (const t of followers) {
    // Each follower starts with the authority of whoever made its trigger, not the source run's.
    results.push(
      await withWorkspace(currentWorkspaceId(), () => startTriggeredRun(catalog, {
        pipeline: t.pipeline,
        params: t.params as Record<string, unknown>,
        firing: {
          key: `pipeline:${t.id}:${runId}`,
          kind: 'pipeline',
          triggerId: t.id,
          payload: { afterRun: runId, afterPipeline: source.pipeline },
          originRunId: firing?.originRunId ?? runId,
          chain,
        },
      }), creatorActor(t.createdBy, t.createdRole, 'pipeline trigger')),
    );
  }
  return results;
}

/** A dataset trigger's debounce ended: its pipeline runs once for the versions that arrived. */
export async function startDatasetTriggerRun(
  catalog: Catalog,
  req: { triggerId: string; key: string; versions: { dataset: string; version: number }[] },
): Promise<TriggeredRunResult> {
  const [t] = await getDb()
    .select({ pipeline: pipelines.name, params: triggers.params, enabled: triggers.enabled })
    .from(triggers)
    .innerJoin(pipelines, eq(pipelines.id, triggers.pipelineId))
    .where(eq(triggers.id, req.triggerId));
  const prior = await firingByKey(req.key);
  if (prior) return resultOf(prior, true);
  // A version delivered again after its debounce workflow had ended (see dataset-triggers.ts) reaches a
  // new execution of it: what an earlier firing of this trigger already had starts nothing again.
  const versions = await versionsNotFired(req.triggerId, req.versions);
  if (versions.length === 0) {
    return { status: 'refused', message: 'These dataset versions already fired this trigger', existing: true };
  }
  const firing: RunFiring = { key: req.key, kind: 'dataset', triggerId: t ? req.triggerId : undefined, payload: { versions } };
  if (!t) return recordUnstarted({ firing }, 'refused', 'The trigger was deleted');
  if (!t.enabled) return recordUnstarted({ firing }, 'refused', 'The trigger is turned off');
  return startTriggeredRun(catalog, { pipeline: t.pipeline, params: t.params as Record<string, unknown>, firing });
}

/** The versions that no earlier firing of the trigger carried, in their order. */
async function versionsNotFired(triggerId: string, versions: { dataset: string; version: number }[]) {
  const fired = await getDb().execute<{ dataset: string; version: number }>(sql`
    SELECT DISTINCT v->>'dataset' AS dataset, (v->>'version')::int AS version
    FROM ${triggerFirings} f, jsonb_array_elements(f.payload->'versions') v
    WHERE f.trigger_id = ${triggerId} AND f.kind = 'dataset'
      AND (v->>'version')::int IN (${sql.join(
        versions.map((x) => sql`${x.version}`),
        sql`, `,
      )})`);
  const had = new Set([...fired].map((r) => `${r.dataset}\u0000${Number(r.version)}`));
  return versions.filter((v) => !had.has(`${v.dataset}\u0000${v.version}`));
}

const FINAL = new Set(['succeeded', 'failed', 'cancelled']);

/** The run's status in Postgres, and whether it is final. */
export async function runStatusOf(runId: string) {
  const [row] = await getDb().select({ status: runs.status }).from(runs).where(eq(runs.id, runId));
  if (!row) throw new ServiceError('not_found', `Run "${runId}" was not found`);
  return { status: row.status, final: FINAL.has(row.status) };
}
