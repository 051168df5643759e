// Endpoint changes announced through Postgres LISTEN/NOTIFY, so every web process drops its cached
// endpoint → model version mapping the moment a promotion commits, wherever it was made (a deploy step in
// a worker, the API in another web process). A heartbeat through the same channel tells whether the
// feed is live: while it is not, callers fall back to a short time-to-live.
import { sql as drizzleSql } from 'drizzle-orm';
import postgres from 'postgres';
import type { getDb } from '../../db/client';

export const ENDPOINT_CHANNEL = 'millrace_endpoint_changed';

const HEARTBEAT_MS = 5000;
/** The feed counts as live while its last heartbeat came back within this long. */
const LIVE_FOR_MS = 2 * HEARTBEAT_MS + 1000;

type Tx = Parameters<Parameters<ReturnType<typeof getDb>['transaction']>[0]>[0];

/** Inside the transaction that changes an endpoint: delivered to every listener when (and only if) it commits. */
export async function notifyEndpointChanged(tx: Tx, endpoint: string): Promise<void> {
  await tx.execute(drizzleSql`select pg_notify(${ENDPOINT_CHANNEL}, ${JSON.stringify({ endpoint })})`);
}

/** `endpoint` changed; `null`: anything may have changed (the feed was down and notifications were missed). */
export type EndpointChangeHandler = (endpoint: string | null) => void;

class EndpointChangeFeed {
  private handlers = new Set<EndpointChangeHandler>();
  private conn?: postgres.Sql;
  private timer?: NodeJS.Timeout;
  private lastPong = 0;
  private wasLive = false;
  private pingToken = '';
  private pingSentAt = 0;

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

  /** Tells this process's handlers directly, without waiting for the notification to come back. */
  announce(endpoint: string | null): void {
    for (const h of this.handlers) h(endpoint);
  }

  private start(): void {
    if (this.timer) return;
    void this.connect();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  private async connect(): Promise<void> {
    const conn = postgres(this.url, {
      max: 1,
      idle_timeout: 0,
      max_lifetime: null,
      connect_timeout: 5,
      onnotice: () => {},
    });
    this.conn = conn;
    try {
      await conn.listen(
        ENDPOINT_CHANNEL,
        (payload) => this.received(payload),
        () => void this.ping(),
      );
    } catch {
      // Postgres is down: the next heartbeat tries again.
    }
  }

  private received(payload: string): void {
    let message: { endpoint?: unknown; ping?: unknown };
    try {
      message = JSON.parse(payload) as typeof message;
    } catch {
      return;
    }
    if (typeof message.ping === 'string') {
      if (message.ping !== this.pingToken) return;
      this.lastPong = Date.now();
      // Back after a gap: whatever changed meanwhile was not heard of.
      if (!this.wasLive) this.announce(null);
      this.wasLive = true;
      return;
    }
    if (typeof message.endpoint === 'string') this.announce(message.endpoint);
  }

  private async ping(): Promise<void> {
    const conn = this.conn;
    if (!conn) return;
    this.pingToken = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    this.pingSentAt = Date.now();
    await conn`select pg_notify(${ENDPOINT_CHANNEL}, ${JSON.stringify({ ping: this.pingToken })})`.catch(() => {});
  }

  private async beat(): Promise<void> {
    if (!this.live()) {
      if (this.wasLive) this.wasLive = false;
      // An unanswered heartbeat (and the one before it): listen again on a fresh connection. postgres.js
      // re-listens after a dropped connection, but gives up if Postgres is still down at that moment.
      if (this.pingSentAt && Date.now() - this.pingSentAt >= HEARTBEAT_MS) {
        const old = this.conn;
        this.conn = undefined;
        await old?.end({ timeout: 1 }).catch(() => {});
        await this.connect();
        return;
      }
    }
    await this.ping();
  }
}

const globalForFeed = globalThis as unknown as { __millraceEndpointChanges?: EndpointChangeFeed };

/** The process's feed (one listening connection), or undefined without DATABASE_URL. */
export function endpointChanges(url = process.env.DATABASE_URL): EndpointChangeFeed | undefined {
  if (!url) return undefined;
  return (globalForFeed.__millraceEndpointChanges ??= new EndpointChangeFeed(url));
}

/** After a commit that changed an endpoint in this process: its own caches follow at once. */
export function announceEndpointChanged(endpoint: string): void {
  globalForFeed.__millraceEndpointChanges?.announce(endpoint);
}
