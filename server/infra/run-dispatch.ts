import fs from 'node:fs/promises';
import path from 'node:path';
import { config } from './config';
import { notifyRunFinished } from './notifications';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { runs, runStarts, runSteps } from '../../db/schema';
import type { RunProgress, RunStatus, StepStatus } from '../../workflows/core/plan';
import { unavailableDependency, within } from './dependencies';
import { withTemporal } from './temporal';

// The run outbox's two halves after createRun has written a run and its start request in one
// transaction: the dispatcher starts the workflow (idempotently: the workflow id is `run-<runId>`, and
// "already started" counts as started), and the reconciler makes a run whose workflow has ended show
// the workflow's outcome, whatever happened to the bookkeeping. Both run right away where a run is
// created, and again from a loop (startRunMaintenance) in every Node worker, so a crash anywhere
// leaves a run that is started or finished later, never one that stays queued.

export const workflowIdOf = (runId: string) => `run-${runId}`;

/** How long one Temporal or Postgres call of the dispatcher may take before it is tried again later. */
const CALL_DEADLINE_MS = 5000;

export type DispatchOutcome = 'started' | 'already-started' | 'nothing-to-do';

/**
 * Starts the run's workflow if its start request is still undispatched, and stamps it. The request's
 * row is locked meanwhile, so a cancel waits for the start to finish (and then cancels the workflow);
 * another dispatcher skips it.
 */
export async function dispatchRun(runId: string, opts: { deadlineMs?: number } = {}): Promise<DispatchOutcome> {
  const deadlineMs = opts.deadlineMs ?? CALL_DEADLINE_MS;
  const db = getDb();
  let failure: unknown;
  const outcome = await within(
    'postgres',
    deadlineMs * 2,
    db.transaction(async (tx) => {
      const [row] = await tx
        .select({ start: runStarts, status: runs.status, workflowId: runs.workflowId })
        .from(runStarts)
        .innerJoin(runs, eq(runs.id, runStarts.runId))
        .where(and(eq(runStarts.runId, runId), isNull(runStarts.dispatchedAt)))
        .for('update', { of: runStarts, skipLocked: true });
      if (!row) return 'nothing-to-do' as const;
      if (row.status !== 'queued') {
        // Only its workflow moves a run on from queued (a cancel before the start removes the request): the
        // start went through, but whoever started it stopped before stamping the request.
        await tx.update(runStarts).set({ dispatchedAt: sql`now()` }).where(eq(runStarts.runId, runId));
        return 'already-started' as const;
      }
      let result: DispatchOutcome;
      try {
        await withTemporal(deadlineMs, (client) =>
          client.workflow.start(row.start.workflowType, {
            workflowId: row.workflowId,
            taskQueue: row.start.taskQueue,
            args: [row.start.input],
            memo: row.start.memo as Record<string, unknown>,
          }),
        );
        result = 'started';
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
          failure = err;
          await tx
            .update(runStarts)
            .set({ attempts: sql`${runStarts.attempts} + 1`, lastError: (err as Error).message.slice(0, 2000) })
            .where(eq(runStarts.runId, runId));
          return 'nothing-to-do' as const;
        }
        result = 'already-started';
      }
      await tx
        .update(runStarts)
        .set({ dispatchedAt: sql`now()`, attempts: sql`${runStarts.attempts} + 1`, lastError: null })
        .where(eq(runStarts.runId, runId));
      return result;
    }),
  );
  if (failure) throw failure;
  return outcome;
}

/**
 * Cancels a run whose workflow was never started: its start request is removed and the run and its
 * steps are marked cancelled in Postgres. False when the workflow has been started (cancel it there).
 */
export async function cancelUndispatched(runId: string): Promise<boolean> {
  return getDb().transaction(async (tx) => {
    const [row] = await tx
      .select({ dispatchedAt: runStarts.dispatchedAt })
      .from(runStarts)
      .where(eq(runStarts.runId, runId))
      .for('update', { of: runStarts });
    if (!row || row.dispatchedAt) return false;
    await tx.delete(runStarts).where(eq(runStarts.runId, runId));
    await tx
      .update(runs)
      .set({ status: 'cancelled', error: 'Cancelled before it started', finishedAt: sql`now()` })
      .where(and(eq(runs.id, runId), eq(runs.status, 'queued')));
    await tx
      .update(runSteps)
      .set({ status: 'skipped', error: 'Run cancelled', finishedAt: sql`now()` })
      .where(and(eq(runSteps.runId, runId), inArray(runSteps.status, ['pending', 'running'])));
    return true;
  });
}

/** Marks a run final (if it is not already) and its unfinished steps as the outcome says. */
export async function finishRun(
  runId: string,
  outcome: { status: Exclude<RunStatus, 'queued' | 'running'>; error?: string; steps?: Map<string, StepStatus> },
): Promise<boolean> {
  const finished = await finishRunRow(runId, outcome);
  // What its fits and steps left in the data folder's scratch space goes with it.
  if (finished) {
    for (const kind of ['fit', 'steps']) await fs.rm(path.join(config().tmpDir, kind, runId), { recursive: true, force: true });
  }
  return finished;
}

function finishRunRow(
  runId: string,
  outcome: { status: Exclude<RunStatus, 'queued' | 'running'>; error?: string; steps?: Map<string, StepStatus> },
): Promise<boolean> {
  return getDb().transaction(async (tx) => {
    const updated = await tx
      .update(runs)
      .set({ status: outcome.status, error: outcome.error ?? null, finishedAt: sql`now()` })
      .where(and(eq(runs.id, runId), inArray(runs.status, ['queued', 'running'])))
      .returning({ id: runs.id });
    if (updated.length === 0) return false;
    const unfinished = await tx
      .select({ nodeId: runSteps.nodeId, status: runSteps.status })
      .from(runSteps)
      .where(and(eq(runSteps.runId, runId), inArray(runSteps.status, ['pending', 'running'])));
    for (const s of unfinished) {
      const reported = outcome.steps?.get(s.nodeId);
      const status: StepStatus =
        reported && reported !== 'pending' && reported !== 'running'
          ? reported
          : s.status === 'running' && outcome.status === 'failed'
            ? 'failed'
            : // A step that was running when its run was cancelled: stopped, its outputs discarded.
              s.status === 'running' && outcome.status === 'cancelled'
              ? 'cancelled'
              : 'skipped';
      const error =
        outcome.status === 'cancelled' ? 'Run cancelled' : status === 'succeeded' ? null : `The run ended (${outcome.status}) before this step finished`;
      await tx
        .update(runSteps)
        .set({ status, error, finishedAt: sql`now()` })
        .where(and(eq(runSteps.runId, runId), eq(runSteps.nodeId, s.nodeId)));
    }
    return true;
  });
}

const FINAL: Record<string, Exclude<RunStatus, 'queued' | 'running'>> = {
  COMPLETED: 'succeeded',
  FAILED: 'failed',
  TERMINATED: 'failed',
  TIMED_OUT: 'failed',
  CANCELLED: 'cancelled',
};

/**
 * A run that Postgres still shows as queued or running: if its workflow has ended, the run takes the
 * workflow's outcome (its result when it completed). Returns the status it was given, if any.
 */
export async function reconcileRun(runId: string, workflowId: string): Promise<RunStatus | undefined> {
  let description: { status: string; progress?: RunProgress };
  try {
    description = await withTemporal(CALL_DEADLINE_MS, async (client) => {
      const handle = client.workflow.getHandle(workflowId);
      const status = (await handle.describe()).status.name;
      if (status !== 'COMPLETED') return { status };
      return { status, progress: (await handle.result()) as RunProgress };
    });
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    const done = await finishRun(runId, { status: 'failed', error: 'Its workflow no longer exists in Temporal' });
    return done ? 'failed' : undefined;
  }
  const final = FINAL[description.status];
  if (!final) return undefined;
  const progress = description.progress;
  const status = progress && progress.status !== 'queued' && progress.status !== 'running' ? progress.status : final;
  const done = await finishRun(runId, {
    status,
    error: status === 'failed' ? (progress ? 'One or more steps failed' : `Its workflow ended: ${description.status.toLowerCase()}`) : undefined,
    steps: progress ? new Map(progress.steps.map((s) => [s.nodeId, s.status])) : undefined,
  });
  return done ? status : undefined;
}

/** What one pass did; `errors` of single runs did not stop the pass. */
export interface PassResult {
  done: number;
  errors: unknown[];
}

/** Starts every start request still undispatched (least tried, then oldest, first). */
export async function dispatchPending(limit = 50): Promise<PassResult> {
  const pending = await within(
    'postgres',
    CALL_DEADLINE_MS,
    getDb()
      .select({ runId: runStarts.runId })
      .from(runStarts)
      .where(isNull(runStarts.dispatchedAt))
      // One that keeps failing does not hold up the others.
      .orderBy(runStarts.attempts, runStarts.createdAt)
      .limit(limit),
  );
  const result: PassResult = { done: 0, errors: [] };
  for (const { runId } of pending) {
    try {
      if ((await dispatchRun(runId)) !== 'nothing-to-do') result.done++;
    } catch (err) {
      result.errors.push(err);
    }
  }
  return result;
}

/** Reconciles runs still queued or running whose workflow was started at least `minAgeSeconds` ago. */
export async function reconcileOpenRuns(
  opts: { limit?: number; minAgeSeconds?: number; onFinished?: (runId: string, status: RunStatus) => Promise<void> } = {},
): Promise<PassResult> {
  const minAge = opts.minAgeSeconds ?? 5;
  const open = await within(
    'postgres',
    CALL_DEADLINE_MS,
    getDb()
      .select({ runId: runs.id, workflowId: runs.workflowId })
      .from(runs)
      .leftJoin(runStarts, eq(runStarts.runId, runs.id))
      .where(
        and(
          inArray(runs.status, ['queued', 'running']),
          // Runs from before the outbox have no start request; theirs was started when they were created.
          sql`(${runStarts.runId} is null or ${runStarts.dispatchedAt} < now() - make_interval(secs => ${minAge}))`,
          sql`${runs.createdAt} < now() - make_interval(secs => ${minAge})`,
        ),
      )
      .orderBy(runs.createdAt)
      .limit(opts.limit ?? 200),
  );
  const result: PassResult = { done: 0, errors: [] };
  for (const run of open) {
    try {
      const status = await reconcileRun(run.runId, run.workflowId);
      if (!status) continue;
      result.done++;
      // What the run's own bookkeeping would have done on its last status: notifications, following runs.
      await notifyRunFinished(run.runId, status);
      await opts.onFinished?.(run.runId, status);
    } catch (err) {
      result.errors.push(err);
    }
  }
  return result;
}

export interface RunMaintenance {
  stop(): Promise<void>;
}

/**
 * The dispatcher and reconciler loops. Several processes may run them at once: dispatching locks each
 * start request and treats an already started workflow as success, and a run is finished only once.
 */
export function startRunMaintenance(opts: {
  dispatchEverySeconds: number;
  reconcileEverySeconds: number;
  log?: (line: string) => void;
  /** Also called for a run the reconciler finished (e.g. to start the pipelines that follow a success). */
  onRunFinished?: (runId: string, status: RunStatus) => Promise<void>;
}): RunMaintenance {
  const log = opts.log ?? ((line: string) => console.log(line));
  let stopped = false;
  const lastComplaint = new Map<string, number>();
  const complain = (what: string, err: unknown) => {
    // While a dependency is down every pass fails the same way: say so once a minute.
    const dependency = unavailableDependency(err) ?? 'other';
    const key = `${what}:${dependency}`;
    if (Date.now() - (lastComplaint.get(key) ?? 0) < 60_000) return;
    lastComplaint.set(key, Date.now());
    log(`run maintenance: ${what} failed (will retry): ${(err as Error).message?.split('\n')[0] ?? String(err)}`);
  };

  const loop = (what: string, everyMs: number, pass: () => Promise<void>) => {
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> = Promise.resolve();
    const tick = () => {
      if (stopped) return;
      running = pass()
        .catch((err) => complain(what, err))
        .finally(() => {
          if (!stopped) timer = setTimeout(tick, everyMs);
        });
    };
    timer = setTimeout(tick, 0);
    return async () => {
      clearTimeout(timer);
      await running;
    };
  };

  const stops = [
    loop('starting queued runs', opts.dispatchEverySeconds * 1000, async () => {
      const { done, errors } = await dispatchPending();
      if (done > 0) log(`run maintenance: started ${done} queued run(s)`);
      if (errors.length) complain('starting queued runs', errors[0]);
    }),
    loop('reconciling runs', opts.reconcileEverySeconds * 1000, async () => {
      const { done, errors } = await reconcileOpenRuns({ minAgeSeconds: 5, onFinished: opts.onRunFinished });
      if (done > 0) log(`run maintenance: ${done} run(s) set to their workflow's outcome`);
      if (errors.length) complain('reconciling runs', errors[0]);
    }),
  ];
  return {
    async stop() {
      stopped = true;
      await Promise.all(stops.map((s) => s()));
    },
  };
}
