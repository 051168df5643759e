// Endpoint changes announced through Postgres LISTEN/NOTIFY, so every serving process drops its cached
// endpoint → model version mapping the moment a promotion commits, wherever it was made (a deploy step in
// a worker, the API in another web process). Each listening process answers a change with an ack once
// its caches have followed, so a promoting process that listens too can return only when every listener
// has (the next request anywhere then gets the new version). A heartbeat through the same channel tells
// whether the feed is live: while it is not, callers fall back to a short time-to-live.
import { sql as drizzleSql } from 'drizzle-orm';
import postgres from 'postgres';
import type { getDb } from '../../db/client';

export const ENDPOINT_CHANNEL = 'millrace_endpoint_changed';
/** The listening connections' application_name: a promoter counts them to know how many acks to expect. */
const LISTENER_NAME = 'millrace-endpoint-feed';

const HEARTBEAT_MS = 5000;
/** The feed counts as live while its last heartbeat came back within this long. */
const LIVE_FOR_MS = 2 * HEARTBEAT_MS + 1000;
/** A listener's handlers get this long to follow a change before it acks anyway. */
const HANDLER_WAIT_MS = 500;

type Tx = Parameters<Parameters<ReturnType<typeof getDb>['transaction']>[0]>[0];

/**
 * Inside the transaction that changes an endpoint: delivered to every listener when (and only if) it
 * commits. Listeners ack `token` once their caches have followed.
 */
export async function notifyEndpointChanged(tx: Tx, endpoint: string, token?: string): Promise<void> {
  await tx.execute(drizzleSql`select pg_notify(${ENDPOINT_CHANNEL}, ${JSON.stringify({ endpoint, token })})`);
}

/** `endpoint` changed; `null`: anything may have changed (the feed was down and notifications were missed). */
export type EndpointChangeHandler = (endpoint: string | null) => unknown;

class EndpointChangeFeed {
  private handlers = new Set<EndpointChangeHandler>();
  private listener?: postgres.Sql;
  private sender?: postgres.Sql;
  private timer?: NodeJS.Timeout;
  private lastPong = 0;
  private wasLive = false;
  private pingToken = '';
  private pingSentAt = 0;
  private acks = new Map<string, () => void>();

  constructor(private readonly url: string) {}

  /** Whether notifications are arriving (the last heartbeat came back recently). */
  live(): boolean {
    return Date.now() - this.lastPong < LIVE_FOR_MS;
  }

  subscribe(handler: EndpointChangeHandler): () => void {
    this.handlers.add(handler);
    this.start();
    return () => this.handlers.delete(handler);
  }

  /**
   * Collects the acks for `token` (register before the commit). `all()` resolves once as many acks came
   * as there are listening processes now (this one included), or after `timeoutMs` (false): a listener
   * that died meanwhile, or Postgres going away, only delays the promotion.
   */
  collectAcks(token: string, timeoutMs: number): { all: () => Promise<boolean>; cancel: () => void } {
    let count = 0;
    let wanted = Infinity;
    let done: (ok: boolean) => void = () => {};
    const finished = new Promise<boolean>((resolve) => (done = resolve));
    this.acks.set(token, () => {
      count++;
      if (count >= wanted) done(true);
    });
    const cleanup = () => this.acks.delete(token);
    return {
      all: async () => {
        const timer = setTimeout(() => done(false), timeoutMs);
        try {
          const [row] = await this.send()<{ n: number }[]>`
            select count(*)::int as n from pg_stat_activity where application_name = ${LISTENER_NAME} and datname = current_database()`;
          wanted = row?.n ?? 0;
          if (count >= wanted) done(true);
        } catch {
          done(false);
        }
        return finished.finally(() => {
          clearTimeout(timer);
          cleanup();
        });
      },
      cancel: cleanup,
    };
  }

  /** Stops listening (tests and processes that end). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.lastPong = 0;
    const [listener, sender] = [this.listener, this.sender];
    this.listener = this.sender = undefined;
    await Promise.all([listener?.end({ timeout: 1 }), sender?.end({ timeout: 1 })]).catch(() => {});
  }

  /** Tells this process's handlers directly; resolves when they have followed (or after HANDLER_WAIT_MS). */
  async announce(endpoint: string | null): Promise<void> {
    const followed = Promise.all([...this.handlers].map((h) => Promise.resolve().then(() => h(endpoint)).catch(() => {})));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([followed, new Promise((r) => (timer = setTimeout(r, HANDLER_WAIT_MS)))]);
    clearTimeout(timer);
  }

  private start(): void {
    if (this.timer) return;
    void this.connect();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  private send(): postgres.Sql {
    return (this.sender ??= postgres(this.url, { max: 1, idle_timeout: 60, connect_timeout: 5, onnotice: () => {} }));
  }

  private async connect(): Promise<void> {
    // Only listen.sql (postgres.js's own listening connection, with these options) ever connects.
    const listener = postgres(this.url, {
      max: 1,
      idle_timeout: 0,
      max_lifetime: null,
      connect_timeout: 5,
      connection: { application_name: LISTENER_NAME },
      onnotice: () => {},
    });
    this.listener = listener;
    try {
      await listener.listen(
        ENDPOINT_CHANNEL,
        (payload) => this.received(payload),
        () => void this.ping(),
      );
    } catch {
      // Postgres is down: the next heartbeat tries again.
    }
  }

  private received(payload: string): void {
    let message: { endpoint?: unknown; ping?: unknown; token?: unknown; ack?: unknown };
    try {
      message = JSON.parse(payload) as typeof message;
    } catch {
      return;
    }
    if (typeof message.ping === 'string') {
      if (message.ping !== this.pingToken) return;
      this.lastPong = Date.now();
      // Back after a gap: whatever changed meanwhile was not heard of.
      if (!this.wasLive) void this.announce(null);
      this.wasLive = true;
      return;
    }
    if (typeof message.ack === 'string') {
      this.acks.get(message.ack)?.();
      return;
    }
    if (typeof message.endpoint !== 'string') return;
    const token = typeof message.token === 'string' ? message.token : undefined;
    void this.announce(message.endpoint).then(async () => {
      if (token) await this.send()`select pg_notify(${ENDPOINT_CHANNEL}, ${JSON.stringify({ ack: token })})`.catch(() => {});
    });
  }

  private async ping(): Promise<void> {
    this.pingToken = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    this.pingSentAt = Date.now();
    await this.send()`select pg_notify(${ENDPOINT_CHANNEL}, ${JSON.stringify({ ping: this.pingToken })})`.catch(() => {});
  }

  private async beat(): Promise<void> {
    if (!this.live()) {
      this.wasLive = false;
      // An unanswered heartbeat: listen again on a fresh connection. postgres.js re-listens after a
      // dropped connection, but gives up if Postgres is still down at that moment.
      if (this.pingSentAt && Date.now() - this.pingSentAt >= HEARTBEAT_MS) {
        const old = this.listener;
        this.listener = undefined;
        await old?.end({ timeout: 1 }).catch(() => {});
        await this.connect();
        return;
      }
    }
    await this.ping();
  }
}

const globalForFeed = globalThis as unknown as { __millraceEndpointChanges?: EndpointChangeFeed };

/** The process's feed (one listening connection, opened on the first subscription), or undefined without DATABASE_URL. */
export function endpointChanges(url = process.env.DATABASE_URL): EndpointChangeFeed | undefined {
  if (!url) return undefined;
  return (globalForFeed.__millraceEndpointChanges ??= new EndpointChangeFeed(url));
}

/** The feed if this process listens already (a serving process), else undefined: nothing is opened. */
export function listeningEndpointChanges(): EndpointChangeFeed | undefined {
  const feed = globalForFeed.__millraceEndpointChanges;
  return feed?.live() ? feed : undefined;
}

/** After a commit that changed an endpoint in this process: its own caches follow at once. */
export async function announceEndpointChanged(endpoint: string): Promise<void> {
  await globalForFeed.__millraceEndpointChanges?.announce(endpoint);
}
