import postgres from 'postgres';
import { ServiceError } from './errors';
import { temporalClient } from './temporal';

// Postgres and Temporal as dependencies that can be down or frozen: bounded waits, cheap probes, and
// one error that says which one is unavailable, so callers answer 503 with Retry-After instead of hanging.

export type Dependency = 'postgres' | 'temporal';

const NAMES: Record<Dependency, string> = { postgres: 'Postgres', temporal: 'Temporal' };

/** Seconds a client should wait before trying again (the `Retry-After` header). */
export const RETRY_AFTER_SECONDS = 5;

export class DependencyUnavailableError extends ServiceError {
  constructor(
    readonly dependency: Dependency,
    detail?: string,
  ) {
    super(
      'unavailable',
      `${NAMES[dependency]} is not answering${detail ? ` (${detail})` : ''}; nothing was changed. Retry in a few seconds.`,
      { dependency, retryAfterSeconds: RETRY_AFTER_SECONDS },
    );
  }
}

const POSTGRES_CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  // Postgres itself: shutting down, starting up, connection failures.
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);
/** gRPC UNAVAILABLE and DEADLINE_EXCEEDED. */
const GRPC_DOWN_CODES = new Set([14, 4]);

function causes(err: unknown): unknown[] {
  const chain: unknown[] = [];
  let e: unknown = err;
  while (e && typeof e === 'object' && chain.length < 8 && !chain.includes(e)) {
    chain.push(e);
    e = (e as { cause?: unknown }).cause;
  }
  return chain;
}

/** Which dependency an error says is down (a refused or broken connection, a deadline), if any. */
export function unavailableDependency(err: unknown): Dependency | undefined {
  for (const e of causes(err)) {
    if (e instanceof DependencyUnavailableError) return e.dependency;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && POSTGRES_CONNECTION_CODES.has(code)) return 'postgres';
    // gRPC errors carry a numeric code (and `details`); Temporal's client wraps them.
    if (typeof code === 'number' && GRPC_DOWN_CODES.has(code) && 'details' in (e as object)) return 'temporal';
  }
  return undefined;
}

/** The error as a DependencyUnavailableError when it means a dependency is down; otherwise unchanged. */
export function asUnavailable(err: unknown): unknown {
  if (err instanceof DependencyUnavailableError) return err;
  const dependency = unavailableDependency(err);
  return dependency ? new DependencyUnavailableError(dependency, (err as Error).message?.split('\n')[0]) : err;
}

const timedOut = Symbol('timed out');

/**
 * Waits for `work` at most `ms`; past that, throws DependencyUnavailableError for `dependency`. The work
 * itself is not stopped: use this only where finishing later does no harm (reads), or check a flag.
 */
export async function within<T>(dependency: Dependency, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof timedOut>((resolve) => {
    timer = setTimeout(() => resolve(timedOut), ms);
  });
  work.catch(() => {}); // a late rejection after the timeout is not unhandled
  try {
    const result = await Promise.race([work, timeout]);
    if (result === timedOut) throw new DependencyUnavailableError(dependency, `no answer within ${Math.round(ms / 100) / 10} s`);
    return result;
  } catch (err) {
    throw asUnavailable(err);
  } finally {
    clearTimeout(timer);
  }
}

type ProbeResult = { ok: true } | { ok: false; error: string };
type Probe = { at: number; result: Promise<ProbeResult> };
const globalForProbes = globalThis as unknown as {
  __millraceProbes?: Partial<Record<Dependency, Probe>>;
  __millraceProbeSql?: { url: string; sql: postgres.Sql };
};

/** A connection of its own, so a probe never waits behind a pool full of stuck queries. */
function probeSql(url: string): postgres.Sql {
  const held = globalForProbes.__millraceProbeSql;
  if (held?.url === url) return held.sql;
  void held?.sql.end({ timeout: 0 }).catch(() => {});
  const sql = postgres(url, { max: 1, connect_timeout: 2, idle_timeout: 30, onnotice: () => {} });
  globalForProbes.__millraceProbeSql = { url, sql };
  return sql;
}

async function probeOnce(dependency: Dependency, timeoutMs: number): Promise<ProbeResult> {
  try {
    if (dependency === 'postgres') {
      const url = process.env.DATABASE_URL;
      if (!url) return { ok: false, error: 'DATABASE_URL is not set' };
      await within('postgres', timeoutMs, probeSql(url)`select 1`.execute());
    } else {
      await within(
        'temporal',
        timeoutMs,
        temporalClient().then((client) =>
          client.connection.withDeadline(Date.now() + timeoutMs, () => client.workflowService.getSystemInfo({})),
        ),
      );
    }
    return { ok: true };
  } catch (err) {
    const e = err as Error;
    return { ok: false, error: e instanceof DependencyUnavailableError ? `no answer within ${timeoutMs / 1000} s` : e.message.split('\n')[0]! };
  }
}

/** Whether a dependency answers a trivial request within `timeoutMs`; answers are shared for `maxAgeMs`. */
export function probe(dependency: Dependency, opts: { timeoutMs?: number; maxAgeMs?: number } = {}): Promise<ProbeResult> {
  const probes = (globalForProbes.__millraceProbes ??= {});
  const known = probes[dependency];
  if (known && Date.now() - known.at < (opts.maxAgeMs ?? 1000)) return known.result;
  const result = probeOnce(dependency, opts.timeoutMs ?? 1500);
  probes[dependency] = { at: Date.now(), result };
  return result;
}

/** Throws DependencyUnavailableError unless the dependency answers now. */
export async function requireAvailable(dependency: Dependency, timeoutMs = 1500): Promise<void> {
  const result = await probe(dependency, { timeoutMs, maxAgeMs: 500 });
  if (!result.ok) throw new DependencyUnavailableError(dependency, result.error);
}

/** The first dependency that does not answer (Postgres first), or undefined when both do. */
export async function firstUnavailable(timeoutMs = 1500): Promise<{ dependency: Dependency; error: string } | undefined> {
  const [pg, temporal] = await Promise.all([probe('postgres', { timeoutMs }), probe('temporal', { timeoutMs })]);
  if (!pg.ok) return { dependency: 'postgres', error: pg.error };
  if (!temporal.ok) return { dependency: 'temporal', error: temporal.error };
  return undefined;
}

/**
 * Waits for `work`; each time `patienceMs` passes without an answer, checks Postgres and Temporal and
 * throws DependencyUnavailableError when one does not answer. A slow request with both up goes on.
 */
export async function unlessStuck<T>(work: Promise<T>, patienceMs: number): Promise<T> {
  work.catch(() => {}); // given up on meanwhile: a late failure is not unhandled
  const waited = Symbol('waited');
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const patience = new Promise<typeof waited>((resolve) => (timer = setTimeout(() => resolve(waited), patienceMs)));
    const first = await Promise.race([work, patience]).finally(() => clearTimeout(timer));
    if (first !== waited) return first as T;
    const down = await firstUnavailable();
    if (down) throw new DependencyUnavailableError(down.dependency, down.error);
  }
}
