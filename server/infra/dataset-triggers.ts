import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { getDb, type Db } from '../../db/client';
import { datasetTriggerEvents, triggers } from '../../db/schema';
import { datasetTriggerWorkflowIdOf, type DatasetTriggerInput, type DatasetVersionEvent } from '../../workflows/core/schedule-spec';
import { unavailableDependency, within } from './dependencies';
import { taskQueues, withTemporal } from './temporal';

// The dataset-trigger outbox. Storing a dataset version writes one event per enabled trigger on that
// dataset in the same transaction (recordDatasetTriggerEvents). One row per trigger rather than one per
// version: the triggers that hear of a version are the ones enabled when it was stored (as before the
// outbox), and each trigger's delivery succeeds, fails and backs off on its own. Delivery is a
// signalWithStart of the trigger's debounce workflow, whose id comes from the trigger id; a delivery
// repeated after a crash is harmless, because the workflow ignores a version it already has and a
// version that already started a run starts none again (startDatasetTriggerRun).

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** How long one delivery may wait for Temporal before it counts as failed and is tried again later. */
const DELIVERY_DEADLINE_MS = 5000;
/** Backoff between failed attempts of one event: 1, 2, 4 … seconds, at most this. */
const MAX_BACKOFF_SECONDS = 60;
/** Delivered events are kept this long (to look at), then removed. */
const KEEP_DELIVERED_DAYS = 7;

export function retryDelaySeconds(attempts: number): number {
  return Math.min(2 ** Math.max(0, attempts - 1), MAX_BACKOFF_SECONDS);
}

/**
 * A new version of a dataset is being stored (inside its transaction): one outbox event per enabled
 * dataset trigger on it. Returns the events' ids, to deliver once the transaction has committed.
 */
export async function recordDatasetTriggerEvents(tx: Tx, workspaceId: string, dataset: string, version: number): Promise<number[]> {
  const enabled = await tx
    .select({ id: triggers.id })
    .from(triggers)
    .where(and(eq(triggers.workspaceId, workspaceId), eq(triggers.kind, 'dataset'), eq(triggers.dataset, dataset), eq(triggers.enabled, true)));
  if (enabled.length === 0) return [];
  const rows = await tx
    .insert(datasetTriggerEvents)
    .values(enabled.map((t) => ({ triggerId: t.id, dataset, version })))
    .onConflictDoNothing()
    .returning({ id: datasetTriggerEvents.id });
  return rows.map((r) => r.id);
}

export type DeliveryOutcome = 'delivered' | 'nothing-to-do';

/**
 * Delivers one event if it is still undelivered: signals the trigger's debounce workflow (starting it
 * if it is not running) and stamps the event. The row is locked meanwhile, so another deliverer skips
 * it; a failure is recorded with the time of the next attempt and thrown.
 */
export async function deliverDatasetTriggerEvent(id: number, opts: { deadlineMs?: number } = {}): Promise<DeliveryOutcome> {
  const deadlineMs = opts.deadlineMs ?? DELIVERY_DEADLINE_MS;
  let failure: unknown;
  const outcome = await within(
    'postgres',
    // Connecting to Temporal and the call each have the deadline; Postgres gets a little more.
    deadlineMs * 3,
    getDb().transaction(async (tx) => {
      const [row] = await tx
        .select({ event: datasetTriggerEvents, debounceSeconds: triggers.debounceSeconds })
        .from(datasetTriggerEvents)
        .innerJoin(triggers, eq(triggers.id, datasetTriggerEvents.triggerId))
        .where(and(eq(datasetTriggerEvents.id, id), isNull(datasetTriggerEvents.deliveredAt)))
        .for('update', { of: datasetTriggerEvents, skipLocked: true });
      if (!row) return 'nothing-to-do' as const;
      const { event } = row;
      const input: DatasetTriggerInput = { triggerId: event.triggerId, debounceSeconds: row.debounceSeconds ?? 0 };
      const signalled: DatasetVersionEvent = { dataset: event.dataset, version: event.version };
      try {
        await withTemporal(deadlineMs, (client) =>
          client.workflow.signalWithStart('datasetTriggerWorkflow', {
            workflowId: datasetTriggerWorkflowIdOf(event.triggerId),
            taskQueue: taskQueues().default,
            args: [input],
            signal: 'datasetVersion',
            signalArgs: [signalled],
          }),
        );
      } catch (err) {
        failure = err;
        const attempts = event.attempts + 1;
        await tx
          .update(datasetTriggerEvents)
          .set({
            attempts,
            lastError: describeError(err).slice(0, 2000),
            nextAttemptAt: sql`now() + make_interval(secs => ${retryDelaySeconds(attempts)})`,
          })
          .where(eq(datasetTriggerEvents.id, id));
        return 'nothing-to-do' as const;
      }
      await tx
        .update(datasetTriggerEvents)
        .set({ deliveredAt: sql`now()`, attempts: event.attempts + 1, lastError: null })
        .where(eq(datasetTriggerEvents.id, id));
      return 'delivered' as const;
    }),
  );
  if (failure) throw failure;
  return outcome;
}

/**
 * Right after the version's transaction committed: a first delivery, not awaited, so the upload does not
 * wait on Temporal. If it fails the worker's loop delivers the events later.
 */
export function deliverSoon(ids: number[]): void {
  for (const id of ids) {
    deliverDatasetTriggerEvent(id).catch((err: unknown) => {
      console.warn(
        `[triggers] dataset trigger event ${id} is recorded; delivering it failed for now (the worker retries): ${describeError(err)}`,
      );
    });
  }
}

/** Delivers every event that is due (oldest first); what fails waits for its next attempt. */
export async function deliverDueDatasetTriggerEvents(limit = 50): Promise<{ done: number; errors: unknown[] }> {
  const due = await within(
    'postgres',
    DELIVERY_DEADLINE_MS,
    getDb()
      .select({ id: datasetTriggerEvents.id })
      .from(datasetTriggerEvents)
      .where(and(isNull(datasetTriggerEvents.deliveredAt), lte(datasetTriggerEvents.nextAttemptAt, sql`now()`)))
      .orderBy(asc(datasetTriggerEvents.nextAttemptAt), asc(datasetTriggerEvents.id))
      .limit(limit),
  );
  const result = { done: 0, errors: [] as unknown[] };
  for (const { id } of due) {
    try {
      if ((await deliverDatasetTriggerEvent(id)) === 'delivered') result.done++;
    } catch (err) {
      result.errors.push(err);
      // Temporal is away: the rest would wait out the same deadline one by one.
      if (unavailableDependency(err) || isTemporalUnreachable(describeError(err))) break;
    }
  }
  return result;
}

/** The error's first line with its causes' ("Failed to signalWithStart Workflow: 4 DEADLINE_EXCEEDED: …"). */
function describeError(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const line = String((e as Error).message ?? e).split('\n')[0]!;
    if (line && !parts.includes(line)) parts.push(line);
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join(': ');
}

function isTemporalUnreachable(message: string): boolean {
  return /DEADLINE_EXCEEDED|UNAVAILABLE|ECONNREFUSED|Failed to connect|deadline exceeded/i.test(message);
}

/** Removes delivered events older than a week. */
async function pruneDelivered(): Promise<void> {
  const old = getDb()
    .select({ id: datasetTriggerEvents.id })
    .from(datasetTriggerEvents)
    .where(sql`${datasetTriggerEvents.deliveredAt} < now() - make_interval(days => ${KEEP_DELIVERED_DAYS})`)
    .limit(1000);
  await getDb().delete(datasetTriggerEvents).where(inArray(datasetTriggerEvents.id, old));
}

/** The worker's delivery loop; returns the stop function. Several processes may run it at once. */
export function startDatasetTriggerDelivery(opts: { everySeconds: number; log?: (line: string) => void }): () => Promise<void> {
  const log = opts.log ?? ((line: string) => console.log(line));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  let lastComplaint = 0;
  let passes = 0;
  const complain = (err: unknown) => {
    // While Temporal is down every pass fails the same way: say so once a minute.
    if (Date.now() - lastComplaint < 60_000) return;
    lastComplaint = Date.now();
    log(`dataset triggers: delivery failed (will retry): ${describeError(err)}`);
  };
  const tick = async () => {
    try {
      const { done, errors } = await deliverDueDatasetTriggerEvents();
      if (done > 0) log(`dataset triggers: delivered ${done} new dataset version event(s)`);
      if (errors.length) complain(errors[0]);
      if (passes++ % 1000 === 0) await pruneDelivered();
    } catch (err) {
      complain(err);
    }
    if (!stopped) timer = setTimeout(() => (current = tick()), opts.everySeconds * 1000);
  };
  timer = setTimeout(() => (current = tick()), 0);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await current;
  };
}
