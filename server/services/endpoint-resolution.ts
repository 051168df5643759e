// Which model version an endpoint serves, kept in memory so predict does not wait on Postgres.
// A resolution younger than FRESH_MS is used as is; an older one is refreshed, but if Postgres does
// not answer within STALE_WAIT_MS the last known resolution answers and the refresh finishes in the
// background. Only an endpoint this process has never resolved has to wait for Postgres, and then
// at most NEW_WAIT_MS before a 503.
import { and, eq, sql } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { endpoints, models, modelVersions } from '../../db/schema';
import { ServiceError, notFound } from '../infra/errors';
import type { ModelMeta } from '../infra/fitter';
import { defaultWorkspaceId } from '../infra/workspace';

const FRESH_MS = 1000;
const STALE_WAIT_MS = 250;
const NEW_WAIT_MS = 2000;
/** Postgres gives up on the lookup itself after this long, so a blocked table does not hold a connection. */
const STATEMENT_TIMEOUT_MS = 5000;
const MAX_ENTRIES = 1000;

export interface EndpointResolution {
  endpointId: string;
  name: string;
  model: string;
  modelVersionId: string;
  modelVersion: number;
  artifactHash: string;
  meta: ModelMeta;
}

interface Entry {
  value: EndpointResolution;
  fetchedAt: number;
}

type Lookup = { promise: Promise<EndpointResolution | undefined>; since: number };
type Cache = { entries: Map<string, Entry>; inFlight: Map<string, Lookup> };
const globalForResolution = globalThis as unknown as { __millraceEndpointResolution?: Cache };
const cache = (): Cache => (globalForResolution.__millraceEndpointResolution ??= { entries: new Map(), inFlight: new Map() });

async function lookup(name: string): Promise<EndpointResolution | undefined> {
  const workspaceId = await defaultWorkspaceId();
  const [row] = await getDb().transaction(async (tx) => {
    await tx.execute(sql.raw(`set local statement_timeout = ${STATEMENT_TIMEOUT_MS}`));
    return tx
      .select({ e: endpoints.id, v: modelVersions, model: models.name })
      .from(endpoints)
      .innerJoin(modelVersions, eq(modelVersions.id, endpoints.modelVersionId))
      .innerJoin(models, eq(models.id, modelVersions.modelId))
      .where(and(eq(endpoints.workspaceId, workspaceId), eq(endpoints.name, name)));
  });
  if (!row) return undefined;
  return {
    endpointId: row.e,
    name,
    model: row.model,
    modelVersionId: row.v.id,
    modelVersion: row.v.version,
    artifactHash: row.v.artifactHash,
    meta: row.v.meta as ModelMeta,
  };
}

/** One lookup per endpoint at a time; its result replaces (or removes) the cached resolution. */
function refresh(name: string): Lookup {
  const { entries, inFlight } = cache();
  const running = inFlight.get(name);
  if (running) return running;
  const promise = lookup(name)
    .then((value) => {
      if (!value) {
        entries.delete(name);
        return undefined;
      }
      const previous = entries.get(name)?.value;
      // Keep the same object while nothing changed, so per-model caches keyed on it stay warm.
      const kept = previous && previous.modelVersionId === value.modelVersionId && previous.endpointId === value.endpointId ? previous : value;
      entries.delete(name);
      entries.set(name, { value: kept, fetchedAt: Date.now() });
      if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      return kept;
    })
    .catch((err: unknown) => {
      reportLookupFailure(name, err);
      // Keep serving the last known resolution, and try the database again after FRESH_MS.
      const known = entries.get(name);
      if (known) known.fetchedAt = Date.now();
      throw err;
    })
    .finally(() => inFlight.delete(name));
  promise.catch(() => {}); // callers that stop waiting must not leave an unhandled rejection
  const started = { promise, since: Date.now() };
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

/** The endpoint's production model version, from memory when Postgres is slow or down. */
export async function resolveEndpoint(name: string): Promise<EndpointResolution> {
  const known = cache().entries.get(name);
  if (known && Date.now() - known.fetchedAt < FRESH_MS) return known.value;

  const { promise: pending, since } = refresh(name);
  if (known) {
    // Stale but usable: wait briefly for the fresh answer, never for a failing or blocked database
    // (once a lookup has taken longer than STALE_WAIT_MS, later requests do not wait for it at all).
    const wait = STALE_WAIT_MS - (Date.now() - since);
    if (wait <= 0) return known.value;
    const fresh = await within(pending, wait).catch((): typeof timedOut => timedOut);
    if (fresh === timedOut) return known.value;
    if (!fresh) throw notFound(`Endpoint "${name}"`);
    return fresh;
  }

  let fresh: EndpointResolution | undefined | typeof timedOut;
  try {
    fresh = await within(pending, NEW_WAIT_MS);
  } catch {
    throw unavailable(name);
  }
  if (fresh === timedOut) throw unavailable(name);
  if (!fresh) throw notFound(`Endpoint "${name}"`);
  return fresh;
}

const unavailable = (name: string) =>
  new ServiceError('unavailable', `Endpoint "${name}" cannot be looked up right now: the database is not answering. Retry shortly.`);
