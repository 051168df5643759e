import { getDb } from '../../../db/client';
import { runStepLogs } from '../../../db/schema';

export type LogLevel = 'info' | 'warn' | 'error';

export interface StepLogLine {
  runId: string;
  nodeId: string;
  attempt: number;
  at: Date;
  level: LogLevel;
  message: string;
}

/** Lines kept per activity execution: the first HEAD and the last TAIL; those between are counted, not stored. */
export const STEP_LOG_HEAD = 500;
export const STEP_LOG_TAIL = 500;
/** A longer message is cut: a log line is for people, not for dumping data. */
export const STEP_LOG_MAX_CHARS = 2000;
const FLUSH_MS = 1000;
const FLUSH_LINES = 100;

const insertLines = async (lines: StepLogLine[]) => {
  await getDb().insert(runStepLogs).values(lines);
};

/**
 * A step's log for one activity execution: lines are buffered and written in batches (every second or
 * every 100 lines, so a chatty step costs few round trips and the run page can tail it live), bounded to
 * the first and last lines. Writing never fails the step: a lost log line is not worth a lost result.
 */
export class StepLog {
  private pending: StepLogLine[] = [];
  private tail: StepLogLine[] = [];
  private seen = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly step: { runId: string; nodeId: string; attempt: number },
    private readonly write: (lines: StepLogLine[]) => Promise<void> = insertLines,
  ) {}

  line(level: LogLevel, message: string, at = new Date()): void {
    // Work a cancelled step leaves running in the background writes nothing that counts.
    if (this.closed) return;
    const text = message.length > STEP_LOG_MAX_CHARS ? `${message.slice(0, STEP_LOG_MAX_CHARS - 1)}…` : message;
    const row = { ...this.step, at, level, message: text };
    this.seen += 1;
    if (this.seen <= STEP_LOG_HEAD) {
      this.pending.push(row);
      if (this.pending.length >= FLUSH_LINES) void this.flush();
      else this.timer ??= setInterval(() => void this.flush(), FLUSH_MS);
      return;
    }
    this.tail.push(row);
    if (this.tail.length > STEP_LOG_TAIL) this.tail.shift();
  }

  /** Lines neither written nor kept for the tail. */
  get dropped(): number {
    return Math.max(0, this.seen - STEP_LOG_HEAD - this.tail.length);
  }

  /** Writes what is buffered; batches go out one after another, in order. */
  flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) {
      this.writing = this.writing.then(() =>
        this.write(batch).catch((err: unknown) => console.error(`Could not store ${batch.length} log line(s) of step ${this.step.nodeId}:`, err)),
      );
    }
    return this.writing;
  }

  /** Writes the rest: the buffered head, a line saying how many were dropped, and the kept tail. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const dropped = this.dropped;
    if (dropped > 0) {
      this.pending.push({
        ...this.step,
        at: this.tail[0]?.at ?? new Date(),
        level: 'warn',
        message: `… ${dropped} line(s) dropped: a step keeps its first ${STEP_LOG_HEAD} and last ${STEP_LOG_TAIL} lines`,
      });
    }
    this.pending.push(...this.tail);
    this.tail = [];
    await this.flush();
  }
}
