import { and, eq } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { pipelineVersions, runIdempotencyKeys, runs, runStarts, runSteps } from '../../db/schema';
import { contentHash } from '../../workflows/core/canonical-json';
import type { Catalog, CompileError } from '../../workflows/core/compiler';
import type { PipelineWorkflowInput, Plan, ReusedStep } from '../../workflows/core/plan';
import { planUpTo } from '../../workflows/core/plan-scope';
import { DependencyUnavailableError, requireAvailable, within } from './dependencies';
import { recordReusedSteps } from './run-reuse';
import { ServiceError } from './errors';
import { compileForServer, getPipelineVersionRow } from './pipeline-store';
import { dispatchRun, workflowIdOf } from './run-dispatch';
import { recordFiring, type RunFiring } from './run-firing';
import { taskQueues } from './temporal';
import { currentActor, currentWorkspaceId, type Actor } from './workspace';

// Starting a run, whoever asks: a person (UI, REST, CLI) through the web side, or a schedule or trigger
// through the worker's activities. The run, its steps and its start request (the outbox, run_starts)
// are written in one transaction; the workflow is then started at once when Temporal answers, and
// otherwise by the dispatcher loop (server/infra/run-dispatch.ts). So a run is never lost between the
// two systems, and never started twice (the workflow id is the run's).

export { workflowIdOf };

export interface CreateRunOptions {
  /** The pipeline version to run (newest by default). */
  version?: number;
  /** What started it: 'manual', 'api', 'schedule', 'dataset', 'webhook', 'pipeline'. */
  trigger?: string;
  /** Values of the pipeline's parameters (checked against its declarations; defaults fill the rest). */
  params?: Record<string, unknown>;
  /**
   * The caller's key for this start (`Idempotency-Key`): the same key with the same request answers the
   * run it started the first time; with a different request it is refused (422).
   */
  idempotencyKey?: string;
  /** The schedule or trigger that started it, recorded with the run; its key makes the start idempotent. */
  firing?: RunFiring;
  /** Run every step, even where an identical earlier success could be reused. */
  ignoreCache?: boolean;
  /** The run this one fixes and resumes (runs.rerun_of), and which of the plan's steps take that run's outputs. */
  resume?: { runId: string; reuse(plan: Plan): Promise<Record<string, ReusedStep>> };
  /** "Preview up to here": run only this step and its ancestors (recorded as runs.preview_up_to). */
  upTo?: string;
  /**
   * Whose authority the run has (runs.started_by / started_role): by default the caller of the request; a
   * schedule or trigger names its creator. It decides whether the run may promote to production.
   */
  startedBy?: Actor;
}

export type CreateRunResult =
  | { ok: true; runId: string; version: number; /** The run an earlier request with the same idempotency key started. */ existing?: boolean }
  | { ok: false; version: number; errors: CompileError[] };

/** Everything the request may spend on Postgres before it answers 503. */
const CREATE_DEADLINE_MS = 6000;
/** How long the first start of the workflow may take inside the request; after that the dispatcher starts it. */
const FIRST_DISPATCH_MS = 3000;
/** A COMMIT sent but not answered: waited for this much longer, since its outcome decides the answer. */
const COMMIT_GRACE_MS = 20_000;

class KeyTaken extends Error {}
class Abandoned extends Error {}

function scopedPlan(plan: Plan, nodeId: string): Plan {
  const scoped = planUpTo(plan, nodeId);
  if (!scoped.ok) throw new ServiceError('invalid', scoped.message, { nodeId });
  return scoped.plan;
}

/** The answer for a key used before: its run when the request is the same, else 422. */
async function answerForKey(workspaceId: string, key: string, requestHash: string, deadlineMs: number): Promise<CreateRunResult | undefined> {
  const [row] = await within(
    'postgres',
    deadlineMs,
    getDb()
      .select({ requestHash: runIdempotencyKeys.requestHash, runId: runIdempotencyKeys.runId, version: pipelineVersions.version })
      .from(runIdempotencyKeys)
      .innerJoin(runs, eq(runs.id, runIdempotencyKeys.runId))
      .innerJoin(pipelineVersions, eq(pipelineVersions.id, runs.pipelineVersionId))
      .where(and(eq(runIdempotencyKeys.workspaceId, workspaceId), eq(runIdempotencyKeys.key, key))),
  );
  if (!row) return undefined;
  if (row.requestHash !== requestHash) {
    throw new ServiceError(
      'unprocessable',
      `The Idempotency-Key "${key}" was already used for a different request (run ${row.runId}); use a new key for a new run`,
      { runId: row.runId },
    );
  }
  return { ok: true, runId: row.runId, version: row.version, existing: true };
}

/**
 * Records a run of the pipeline's version (newest by default) and starts its workflow. A version that
 * no longer compiles against today's datasets is not started: its errors come back as values. The
 * step catalog comes from the caller. Throws DependencyUnavailableError (nothing recorded) when
 * Temporal or Postgres does not answer in time.
 */
export async function createRun(catalog: Catalog, pipelineName: string, opts: CreateRunOptions = {}): Promise<CreateRunResult> {
  const { idempotencyKey, startedBy: givenActor, ...request } = opts;
  // Every run records whose authority it has; a start with no caller and no named actor is a bug, refused.
  const startedBy = givenActor ?? currentActor();
  if (!startedBy) throw new Error(`A run of "${pipelineName}" was started with no caller: start it from a request, or name whose authority it has`);
  const requestHash = contentHash({ pipeline: pipelineName, ...request });
  // A run is accepted only while Temporal answers; once accepted, it starts even if Temporal stops.
  await requireAvailable('temporal');
  const deadline = Date.now() + CREATE_DEADLINE_MS;
  const left = () => Math.max(1, deadline - Date.now());

  const workspaceId = await currentWorkspaceId();
  if (idempotencyKey) {
    const earlier = await answerForKey(workspaceId, idempotencyKey, requestHash, left());
    if (earlier) return earlier;
  }
  const pv = await within('postgres', left(), getPipelineVersionRow(pipelineName, opts.version));
  // Compiled again against today's datasets: a missing dataset or a column that moved stops the run here,
  // and the plan carries the schemas each step's output must have.
  const compiled = await within('postgres', left(), compileForServer(catalog, pv.document, 'run', opts.params));
  if (!compiled.ok) return { ok: false, version: pv.version, errors: compiled.errors };
  const plan = opts.upTo === undefined ? compiled.plan : scopedPlan(compiled.plan, opts.upTo);
  const reuse = opts.resume ? await within('postgres', left(), opts.resume.reuse(plan)) : {};
  const runId = crypto.randomUUID();
  const workflowId = workflowIdOf(runId);
  const queues = taskQueues();
  const input: PipelineWorkflowInput = {
    runId,
    pipeline: pipelineName,
    plan,
    taskQueues: queues,
    ...(opts.ignoreCache ? { ignoreCache: true } : {}),
    ...(Object.keys(reuse).length > 0 ? { reuse } : {}),
  };

  // Given up on (the deadline passed) before COMMIT: the transaction rolls back at its next statement,
  // so a request that was answered 503 never leaves a run behind.
  let abandoned = false;
  let committing = false;
  const written = getDb().transaction(async (tx) => {
    const check = () => {
      if (abandoned) throw new Abandoned();
    };
    await tx.insert(runs).values({
      id: runId,
      workspaceId,
      pipelineVersionId: pv.id,
      status: 'queued',
      workflowId,
      trigger: opts.trigger ?? 'manual',
      params: compiled.parameters,
      rerunOf: opts.resume?.runId ?? null,
      previewUpTo: opts.upTo ?? null,
      startedBy: startedBy.label,
      startedRole: startedBy.role,
    });
    check();
    await tx.insert(runSteps).values(plan.steps.map((s) => ({ runId, nodeId: s.id, type: s.type, status: 'pending' as const })));
    await recordReusedSteps(tx, runId, reuse);
    check();
    await tx.insert(runStarts).values({
      runId,
      workflowType: 'pipelineWorkflow',
      taskQueue: queues.default,
      input,
      memo: { pipeline: pipelineName, version: pv.version },
    });
    check();
    if (opts.firing) await recordFiring(tx, { ...opts.firing, runId, workspaceId, params: opts.params });
    check();
    if (idempotencyKey) {
      const claimed = await tx
        .insert(runIdempotencyKeys)
        .values({ workspaceId, key: idempotencyKey, requestHash, runId })
        .onConflictDoNothing()
        .returning({ runId: runIdempotencyKeys.runId });
      check();
      if (claimed.length === 0) throw new KeyTaken();
    }
    committing = true;
  });
  try {
    await within('postgres', left(), written);
  } catch (err) {
    if (err instanceof KeyTaken) {
      // A request with the same key committed first.
      const earlier = await answerForKey(workspaceId, idempotencyKey!, requestHash, CREATE_DEADLINE_MS);
      if (earlier) return earlier;
    }
    if (!(err instanceof DependencyUnavailableError)) throw err;
    if (!committing) {
      abandoned = true;
      throw err;
    }
    // COMMIT is on its way: whether the run exists is not known until Postgres answers it.
    try {
      await within('postgres', COMMIT_GRACE_MS, written);
    } catch {
      throw new ServiceError(
        'unavailable',
        `Postgres stopped answering while the run was being recorded; it may or may not exist (run ${runId}). ` +
          'Retry with the same Idempotency-Key to get the same run, or look the run up.',
        { dependency: 'postgres', runId, retryAfterSeconds: 5 },
      );
    }
  }

  // First start now, for latency; if Temporal is slow the dispatcher loop starts it shortly.
  await dispatchRun(runId, { deadlineMs: FIRST_DISPATCH_MS }).catch((err: Error) => {
    console.warn(`[millrace] run ${runId} is recorded; starting its workflow failed for now (the dispatcher retries): ${err.message.split('\n')[0]}`);
  });
  return { ok: true, runId, version: pv.version };
}
