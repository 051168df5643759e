import { and, asc, eq, or } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { endpointEvents, endpoints } from '../../db/schema';
import type { Slot } from '../infra/model-registry';
import { currentWorkspaceId } from '../infra/workspace';

// Lineage read forward from a model version to the endpoints: which slots serve it now, and which served
// it once (from the endpoints' histories) and serve something else since.

export interface EndpointServing {
  endpoint: string;
  /** The slots that serve the version now. */
  current: Slot[];
  /** The slots that served it before and serve another version now. */
  past: Slot[];
}

const bySlot = (a: Slot, b: Slot) => (a === b ? 0 : a === 'production' ? -1 : 1);

export async function endpointsServingVersion(modelVersionId: string): Promise<EndpointServing[]> {
  const workspaceId = currentWorkspaceId();
  const db = getDb();
  const [now, once] = await Promise.all([
    db
      .select({ name: endpoints.name, production: endpoints.modelVersionId, staging: endpoints.stagingModelVersionId })
      .from(endpoints)
      .where(and(eq(endpoints.workspaceId, workspaceId), or(eq(endpoints.modelVersionId, modelVersionId), eq(endpoints.stagingModelVersionId, modelVersionId)))),
    db
      .selectDistinct({ name: endpoints.name, slot: endpointEvents.slot, production: endpoints.modelVersionId, staging: endpoints.stagingModelVersionId })
      .from(endpointEvents)
      .innerJoin(endpoints, eq(endpoints.id, endpointEvents.endpointId))
      .where(and(eq(endpoints.workspaceId, workspaceId), eq(endpointEvents.toModelVersionId, modelVersionId)))
      .orderBy(asc(endpoints.name)),
  ]);
  const out = new Map<string, EndpointServing>();
  const entry = (name: string) => out.get(name) ?? out.set(name, { endpoint: name, current: [], past: [] }).get(name)!;
  for (const e of now) {
    if (e.production === modelVersionId) entry(e.name).current.push('production');
    if (e.staging === modelVersionId) entry(e.name).current.push('staging');
  }
  for (const e of once) {
    const servesNow = (e.slot === 'production' ? e.production : e.staging) === modelVersionId;
    if (!servesNow) entry(e.name).past.push(e.slot);
  }
  for (const e of out.values()) {
    e.current.sort(bySlot);
    e.past = [...new Set(e.past)].sort(bySlot);
  }
  return [...out.values()].sort((a, b) => a.endpoint.localeCompare(b.endpoint));
}
