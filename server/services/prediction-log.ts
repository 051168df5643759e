// The prediction log, kept off the request path: predict() hands each request's record to an
// in-process bounded queue, a timer writes the queue to Postgres in batches, and another timer
// deletes logs older than the retention. A slow or unreachable Postgres only delays (and, when the
// queue is full, drops the oldest) log records; it never slows a prediction.
import { inArray, lt, sql } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { predictionLogs } from '../../db/schema';
import { config } from '../infra/config';
import type { Slot } from '../infra/model-registry';
import type { ModelMeta } from '../infra/fitter';
import type { ScoreResult } from '../infra/scorer';

const FLUSH_INTERVAL_MS = 500;
/** A batch this long is written at once rather than at the next tick. */
const FLUSH_ROWS = 500;
const FLUSH_BYTES = 8 * 1024 ** 2;
const MAX_QUEUE_RECORDS = 10_000;
const MAX_QUEUE_BYTES = 64 * 1024 ** 2;
/** A batch Postgres refuses this many times in a row is dropped (and counted) so it cannot block the rest. */
const MAX_ATTEMPTS = 5;
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
const FIRST_PRUNE_MS = 30 * 1000;
const PRUNE_CHUNK = 10_000;
const REPORT_EVERY_MS = 10_000;

export interface PredictionLogRecord {
  endpointId: string;
  modelVersionId: string;
  inputs: Record<string, unknown>[];
  outputs: ScoreResult;
  rowCount: number;
  truncated: boolean;
  latencyMs: number;
  requestId: string;
  /** Which slot's model predicted, and whether as a shadow challenger (never answered). */
  slot: Slot;
  shadow: boolean;
  /** The HTTP status answered (200 unless the request was refused) and, when refused, why. */
  status?: number;
  error?: string;
  createdAt: Date;
  /** Approximate JSON size of inputs + outputs. */
  bytes: number;
}

/**
 * What is logged for one request: only the model's feature values (extra keys of the rows never),
 * and only the first rows whose inputs and outputs fit in `maxBytes`.
 */
export function predictionLogRecord(
  meta: ModelMeta,
  rows: Record<string, unknown>[],
  result: ScoreResult,
  info: { endpointId: string; modelVersionId: string; latencyMs: number; maxBytes: number; requestId: string; slot?: Slot; shadow?: boolean },
): PredictionLogRecord {
  const names = meta.features.map((f) => f.name);
  const inputs: Record<string, unknown>[] = [];
  let bytes = 0;
  for (let i = 0; i < rows.length; i++) {
    const input: Record<string, unknown> = {};
    for (const name of names) input[name] = rows[i]![name] ?? null;
    const size =
      Buffer.byteLength(JSON.stringify(input)) +
      Buffer.byteLength(JSON.stringify(result.predictions[i] ?? null)) +
      (result.probabilities ? Buffer.byteLength(JSON.stringify(result.probabilities[i] ?? null)) : 0);
    if (bytes + size > info.maxBytes) break;
    bytes += size;
    inputs.push(input);
  }
  const kept = inputs.length;
  const outputs: ScoreResult = { predictions: result.predictions.slice(0, kept) };
  if (result.probabilities) outputs.probabilities = result.probabilities.slice(0, kept);
  return {
    endpointId: info.endpointId,
    modelVersionId: info.modelVersionId,
    inputs,
    outputs,
    rowCount: rows.length,
    truncated: kept < rows.length,
    latencyMs: info.latencyMs,
    requestId: info.requestId,
    slot: info.slot ?? 'production',
    shadow: info.shadow ?? false,
    createdAt: new Date(),
    bytes,
  };
}

/**
 * What one log record writes, column by column (every column of prediction_logs but its id: a unit test
 * holds this list to the table, so a new column cannot be left out unnoticed).
 */
export const LOG_COLUMNS = {
  endpoint_id: { type: 'uuid', of: (r: PredictionLogRecord) => r.endpointId },
  model_version_id: { type: 'uuid', of: (r: PredictionLogRecord) => r.modelVersionId },
  inputs: { type: 'jsonb', of: (r: PredictionLogRecord) => r.inputs },
  outputs: { type: 'jsonb', of: (r: PredictionLogRecord) => r.outputs },
  row_count: { type: 'integer', of: (r: PredictionLogRecord) => r.rowCount },
  truncated: { type: 'boolean', of: (r: PredictionLogRecord) => r.truncated },
  latency_ms: { type: 'double precision', of: (r: PredictionLogRecord) => r.latencyMs },
  request_id: { type: 'text', of: (r: PredictionLogRecord) => r.requestId },
  slot: { type: 'text', of: (r: PredictionLogRecord) => r.slot },
  shadow: { type: 'boolean', of: (r: PredictionLogRecord) => r.shadow },
  status: { type: 'integer', of: (r: PredictionLogRecord) => r.status ?? 200 },
  error: { type: 'text', of: (r: PredictionLogRecord) => r.error ?? null },
  created_at: { type: 'timestamptz', of: (r: PredictionLogRecord) => r.createdAt },
} as const;
const LOG_COLUMN_LIST = sql.raw(Object.keys(LOG_COLUMNS).join(', '));
const LOG_RECORD_TYPE = sql.raw(Object.entries(LOG_COLUMNS).map(([name, c]) => `${name} ${c.type}`).join(', '));

/** A queued record with its row of the insert as JSON, made when it is queued. */
type Queued = PredictionLogRecord & { json: string };

function rowJson(r: PredictionLogRecord): string {
  return JSON.stringify(Object.fromEntries(Object.entries(LOG_COLUMNS).map(([name, c]) => [name, c.of(r)])));
}

/**
 * Writes a batch as one JSON parameter that Postgres unpacks (`jsonb_to_recordset`). The request path
 * shares this process, so what matters is the time the insert holds the event loop: building the same
 * insert as 500 × 13 bound parameters took 15–35 ms, long enough to show as every predict's p99. Each
 * record's JSON is made as it is queued (microseconds per request), so a batch is one join of strings
 * even at 8 MB.
 */
async function insertBatch(batch: Queued[]): Promise<void> {
  const rows = `[${batch.map((q) => q.json).join(',')}]`;
  await getDb().execute(sql`
    insert into ${predictionLogs} (${LOG_COLUMN_LIST})
    select ${LOG_COLUMN_LIST} from jsonb_to_recordset(${rows}::jsonb) as r(${LOG_RECORD_TYPE})`);
}

class PredictionLog {
  private queue: Queued[] = [];
  /** The batch being written. */
  private inFlight: Queued[] = [];
  private queuedBytes = 0;
  private flushing = false;
  private attempts = 0;
  private dropped = 0;
  private droppedReported = 0;
  private lastReport = 0;
  private flushTimer?: NodeJS.Timeout;
  private pruneTimer?: NodeJS.Timeout;

  /** Queues a record; never waits. When the queue is full the oldest records are dropped and counted. */
  add(record: PredictionLogRecord): void {
    this.start();
    this.queue.push({ ...record, json: rowJson(record) });
    this.queuedBytes += record.bytes;
    while (this.queue.length > MAX_QUEUE_RECORDS || this.queuedBytes > MAX_QUEUE_BYTES) {
      const old = this.queue.shift()!;
      this.queuedBytes -= old.bytes;
      this.dropped++;
    }
    this.reportDrops();
    if (this.queue.length >= FLUSH_ROWS || this.queuedBytes >= FLUSH_BYTES) void this.flush();
  }

  /** Counters for tests and diagnostics (`/api/health` shows them). */
  stats() {
    return { queued: this.queue.length, queuedBytes: this.queuedBytes, dropped: this.dropped };
  }

  /**
   * Writes the queued records of these requests now, and waits (at most `timeoutMs`) until they are in
   * Postgres: feedback sent right after a prediction finds its log.
   */
  async written(endpointId: string, requestIds: ReadonlySet<string>, timeoutMs = 3000): Promise<void> {
    const pending = () => this.inFlight.concat(this.queue).some((r) => r.endpointId === endpointId && requestIds.has(r.requestId));
    const deadline = Date.now() + timeoutMs;
    while (pending() && Date.now() < deadline) {
      await this.flush();
      if (pending()) await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Writes what is queued, one batch at a time; one flush runs at a time. */
  async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length) {
        const batch = this.takeBatch();
        this.inFlight = batch;
        try {
          await insertBatch(batch);
          this.attempts = 0;
        } catch (err) {
          this.attempts++;
          if (this.attempts >= MAX_ATTEMPTS) {
            this.attempts = 0;
            this.dropped += batch.length;
            console.error(`[millrace] prediction log: dropped a batch of ${batch.length} record(s) Postgres refused ${MAX_ATTEMPTS} times:`, err);
          } else {
            this.putBack(batch);
            if (this.attempts === 1) console.error('[millrace] prediction log: writing to Postgres failed; will retry:', err);
          }
          return;
        }
      }
    } finally {
      this.inFlight = [];
      this.flushing = false;
      this.reportDrops();
    }
  }

  /** Deletes logs older than MILLRACE_PREDICTION_LOG_DAYS (0 keeps them forever), in chunks. */
  async prune(days = config().predictionLogDays): Promise<number> {
    if (!(days > 0)) return 0;
    const cutoff = new Date(Date.now() - days * 24 * 3600 * 1000);
    const db = getDb();
    let deleted = 0;
    for (;;) {
      const old = db.select({ id: predictionLogs.id }).from(predictionLogs).where(lt(predictionLogs.createdAt, cutoff)).limit(PRUNE_CHUNK);
      const gone = await db.delete(predictionLogs).where(inArray(predictionLogs.id, old)).returning({ id: predictionLogs.id });
      deleted += gone.length;
      if (gone.length < PRUNE_CHUNK) return deleted;
    }
  }

  private start(): void {
    if (this.flushTimer) return;
    this.flushTimer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.flushTimer.unref();
    const prune = () =>
      this.prune().catch((err) => console.error('[millrace] prediction log: pruning old logs failed:', err));
    setTimeout(prune, FIRST_PRUNE_MS).unref();
    this.pruneTimer = setInterval(prune, PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
  }

  private takeBatch(): Queued[] {
    let n = 0;
    let bytes = 0;
    while (n < this.queue.length && n < FLUSH_ROWS && (n === 0 || bytes + this.queue[n]!.bytes <= FLUSH_BYTES)) {
      bytes += this.queue[n]!.bytes;
      n++;
    }
    this.queuedBytes -= bytes;
    return this.queue.splice(0, n);
  }

  private putBack(batch: Queued[]): void {
    this.queue.unshift(...batch);
    for (const r of batch) this.queuedBytes += r.bytes;
    while (this.queue.length > MAX_QUEUE_RECORDS || this.queuedBytes > MAX_QUEUE_BYTES) {
      const old = this.queue.shift()!;
      this.queuedBytes -= old.bytes;
      this.dropped++;
    }
  }

  private reportDrops(): void {
    const now = Date.now();
    if (this.dropped === this.droppedReported || now - this.lastReport < REPORT_EVERY_MS) return;
    console.error(
      `[millrace] prediction log: ${this.dropped - this.droppedReported} record(s) dropped (${this.dropped} since start): ` +
        'the queue was full because Postgres is slow or unreachable',
    );
    this.droppedReported = this.dropped;
    this.lastReport = now;
  }
}

// One queue per process (kept on globalThis so dev hot reload and separately bundled routes share it).
const globalForLog = globalThis as unknown as { __millracePredictionLog?: PredictionLog };

export function predictionLog(): PredictionLog {
  return (globalForLog.__millracePredictionLog ??= new PredictionLog());
}
