// Which model version an endpoint serves, kept in memory so predict does not wait on Postgres.
// Promotions announce themselves (LISTEN/NOTIFY, server/infra/endpoint-changes.ts): a notified endpoint's
// resolution is looked up again at once, and the next request waits (briefly) for that lookup. While the
// notifications arrive, a resolution is trusted for LIVE_FRESH_MS; while they do not, for FRESH_MS.
// An older one is refreshed, but if Postgres does not answer within STALE_WAIT_MS the last known
// resolution answers and the refresh finishes in the background. Only an endpoint this process has never
// resolved has to wait for Postgres, and then at most NEW_WAIT_MS before a 503.
import { and, eq, sql } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { endpoints, models, modelVersions } from '../../db/schema';
import { endpointChanges } from '../infra/endpoint-changes';
import { ServiceError, notFound } from '../infra/errors';
import type { ModelMeta } from '../infra/fitter';
import type { Slot } from '../infra/model-registry';
import { currentWorkspaceId } from '../infra/workspace';

const FRESH_MS = 1000;

// Cached per workspace, endpoint and slot (names are unique per workspace only): the key is
// `<workspace id>\u0001<name>`, and the staging slot's has a suffix no endpoint name has.
const STAGING = '\u0000staging';
const WS = '\u0001';
const keyOf = (workspaceId: string, name: string, slot: Slot) => workspaceId + WS + (slot === 'staging' ? name + STAGING : name);
const workspaceOf = (key: string) => key.slice(0, key.indexOf(WS));
const nameOf = (key: string) => {
  const rest = key.slice(key.indexOf(WS) + 1);
  return rest.endsWith(STAGING) ? rest.slice(0, -STAGING.length) : rest;
};
const slotOf = (key: string): Slot => (key.endsWith(STAGING) ? 'staging' : 'production');
/** A safety net for a notification lost while the feed still looked live. */
const LIVE_FRESH_MS = 30_000;
const STALE_WAIT_MS = 250;
const NEW_WAIT_MS = 2000;
/** Postgres gives up on the lookup itself after this long, so a blocked table does not hold a connection. */
const STATEMENT_TIMEOUT_MS = 5000;
const MAX_ENTRIES = 1000;

export interface EndpointResolution {
  endpointId: string;
  name: string;
  slot: Slot;
  /** Production only: how the staging model challenges production's requests. */
  challenger?: { mode: 'canary' | 'shadow'; canaryPercent: number };
  model: string;
  modelVersionId: string;
  modelVersion: number;
  artifactHash: string;
  meta: ModelMeta;
  /** Who may call predict: anyone ('public') or API tokens and sessions of the workspace ('token'). */
  access: 'token' | 'public';
}

interface Entry {
  value: EndpointResolution;
  /** When the lookup that produced it started (performance.now(): sub-millisecond, so a lookup and a change are ordered). */
  fetchedAt: number;
  /** After a failed lookup: served as it is until then. */
  retryAt?: number;
}

type Lookup = { promise: Promise<EndpointResolution | undefined>; since: number };
type Cache = {
  entries: Map<string, Entry>;
  inFlight: Map<string, Lookup>;
  /** Per endpoint, when a change was announced: resolutions looked up before are stale. */
  changedAt: Map<string, number>;
  /** When every resolution became stale (the change feed came back after a gap). */
  allChangedAt: number;
  subscribed: boolean;
};
const globalForResolution = globalThis as unknown as { __millraceEndpointResolution?: Cache };
const cache = (): Cache => {
  const c = (globalForResolution.__millraceEndpointResolution ??= {
    entries: new Map(),
    inFlight: new Map(),
    changedAt: new Map(),
    allChangedAt: 0,
    subscribed: false,
  });
  if (!c.subscribed) {
    const feed = endpointChanges();
    if (feed) {
      c.subscribed = true;
      feed.subscribe((name) => onChange(c, name));
    }
  }
  return c;
};

/**
 * A change was announced: what was looked up before is stale, and the new mapping is looked up now;
 * resolves once it is in the cache (the feed then acks the change to the promoting process).
 */
function onChange(c: Cache, name: string | null): Promise<unknown> {
  const now = performance.now();
  if (name === null) c.allChangedAt = now;
  else {
    c.changedAt.set(name, now);
    if (c.changedAt.size > MAX_ENTRIES) c.changedAt.delete(c.changedAt.keys().next().value!);
  }
  const names = [...c.entries.keys()].filter((key) => name === null || nameOf(key) === name);
  return Promise.all(names.map((known) => refresh(known).promise.catch(() => {})));
}

function changedSince(c: Cache, key: string, t: number): boolean {
  return c.allChangedAt >= t || (c.changedAt.get(nameOf(key)) ?? 0) >= t;
}

function isFresh(c: Cache, name: string, entry: Entry): boolean {
  if (entry.retryAt !== undefined && performance.now() < entry.retryAt) return true;
  const ttl = endpointChanges()?.live() ? LIVE_FRESH_MS : FRESH_MS;
  return performance.now() - entry.fetchedAt < ttl && !changedSince(c, name, entry.fetchedAt);
}

async function lookup(key: string): Promise<EndpointResolution | undefined> {
  const name = nameOf(key);
  const slot = slotOf(key);
  // From the key, not the request: a change notification refreshes entries outside any request.
  const workspaceId = workspaceOf(key);
  const [row] = await getDb().transaction(async (tx) => {
    await tx.execute(sql.raw(`set local statement_timeout = ${STATEMENT_TIMEOUT_MS}`));
    return tx
      .select({ e: endpoints.id, v: modelVersions, model: models.name, challenger: endpoints.challenger, canaryPercent: endpoints.canaryPercent, staging: endpoints.stagingModelVersionId, access: endpoints.access })
      .from(endpoints)
      .innerJoin(modelVersions, eq(modelVersions.id, slot === 'staging' ? endpoints.stagingModelVersionId : endpoints.modelVersionId))
      .innerJoin(models, eq(models.id, modelVersions.modelId))
      .where(and(eq(endpoints.workspaceId, workspaceId), eq(endpoints.name, name)));
  });
  if (!row) return undefined;
  return {
    endpointId: row.e,
    name,
    slot,
    ...(slot === 'production' && row.staging && row.challenger !== 'none' ? { challenger: { mode: row.challenger, canaryPercent: row.canaryPercent } } : {}),
    model: row.model,
    modelVersionId: row.v.id,
    modelVersion: row.v.version,
    artifactHash: row.v.artifactHash,
    meta: row.v.meta as ModelMeta,
    access: row.access,
  };
}

const sameChallenger = (a: EndpointResolution, b: EndpointResolution) =>
  a.challenger?.mode === b.challenger?.mode && a.challenger?.canaryPercent === b.challenger?.canaryPercent;

/**
 * One lookup per endpoint at a time (a new one when a change was announced after the running one
 * started); a result replaces (or removes) the cached resolution unless a newer lookup already did.
 */
function refresh(name: string): Lookup {
  const c = cache();
  const { entries, inFlight } = c;
  const running = inFlight.get(name);
  if (running && !changedSince(c, name, running.since)) return running;
  const since = performance.now();
  const promise = lookup(name)
    .then((value) => {
      const current = entries.get(name);
      if (current && current.fetchedAt > since) return current.value;
      if (!value) {
        entries.delete(name);
        return undefined;
      }
      const previous = current?.value;
      // Keep the same object while nothing changed, so per-model caches keyed on it stay warm.
      const kept = previous && previous.modelVersionId === value.modelVersionId && previous.endpointId === value.endpointId && sameChallenger(previous, value) && previous.access === value.access ? previous : value;
      entries.delete(name);
      entries.set(name, { value: kept, fetchedAt: since });
      if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      return kept;
    })
    .catch((err: unknown) => {
      reportLookupFailure(nameOf(name), err);
      // Keep serving the last known resolution, and try the database again after FRESH_MS.
      const known = entries.get(name);
      if (known) known.retryAt = performance.now() + FRESH_MS;
      throw err;
    })
    .finally(() => {
      if (inFlight.get(name) === started) inFlight.delete(name);
    });
  promise.catch(() => {}); // callers that stop waiting must not leave an unhandled rejection
  const started = { promise, since };
  inFlight.set(name, started);
  return started;
}

let lastReport = 0;
/** At most one console line per 10 s while Postgres keeps failing. */
function reportLookupFailure(name: string, err: unknown): void {
  if (Date.now() - lastReport < 10_000) return;
  lastReport = Date.now();
  console.error(`[millrace] endpoint "${name}": looking it up in Postgres failed (predict serves the last known model version):`, err);
}

const timedOut = Symbol('timed out');

function within<T>(work: Promise<T>, ms: number): Promise<T | typeof timedOut> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof timedOut>((resolve) => {
    timer = setTimeout(() => resolve(timedOut), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** The model version a slot of the endpoint serves, from memory when Postgres is slow or down. */
export async function resolveEndpoint(name: string, slot: Slot = 'production'): Promise<EndpointResolution> {
  const key = keyOf(currentWorkspaceId(), name, slot);
  const missing = () => notFound(slot === 'staging' ? `A model in the staging slot of endpoint "${name}"` : `Endpoint "${name}"`);
  const c = cache();
  const known = c.entries.get(key);
  if (known && isFresh(c, key, known)) return known.value;

  const { promise: pending, since } = refresh(key);
  if (known) {
    // Stale but usable: wait briefly for the fresh answer, never for a failing or blocked database
    // (once a lookup has taken longer than STALE_WAIT_MS, later requests do not wait for it at all).
    const wait = STALE_WAIT_MS - (performance.now() - since);
    if (wait <= 0) return known.value;
    const fresh = await within(pending, wait).catch((): typeof timedOut => timedOut);
    if (fresh === timedOut) return known.value;
    if (!fresh) throw missing();
    return fresh;
  }

  let fresh: EndpointResolution | undefined | typeof timedOut;
  try {
    fresh = await within(pending, NEW_WAIT_MS);
  } catch {
    throw unavailable(name);
  }
  if (fresh === timedOut) throw unavailable(name);
  if (!fresh) throw missing();
  return fresh;
}

const unavailable = (name: string) =>
  new ServiceError('unavailable', `Endpoint "${name}" cannot be looked up right now: the database is not answering. Retry shortly.`);
