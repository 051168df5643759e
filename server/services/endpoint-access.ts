import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '../../db/client';
import { endpoints } from '../../db/schema';
import { announceEndpointChanged, notifyEndpointChanged } from '../infra/endpoint-changes';
import { notFound } from '../infra/errors';
import { currentWorkspaceId } from '../infra/workspace';

/** 'public': anyone may call predict; 'token': only API tokens and sessions of the endpoint's workspace. */
export const endpointAccessSchema = z.enum(['token', 'public'], { error: 'access must be "token" or "public"' });
export type EndpointAccess = z.infer<typeof endpointAccessSchema>;

export const setEndpointAccessBody = z.strictObject({ access: endpointAccessSchema });

/**
 * Opens an endpoint's predict to anyone or closes it to tokens. Announced like a promotion, so every
 * serving process (and its predict fast path) follows before this returns in this one.
 */
export async function setEndpointAccess(name: string, access: EndpointAccess): Promise<{ name: string; access: EndpointAccess; changed: boolean }> {
  const workspaceId = currentWorkspaceId();
  const changed = await getDb().transaction(async (tx) => {
    const [row] = await tx
      .select({ id: endpoints.id, access: endpoints.access })
      .from(endpoints)
      .where(and(eq(endpoints.workspaceId, workspaceId), eq(endpoints.name, name)))
      .for('update');
    if (!row) throw notFound(`Endpoint "${name}"`);
    if (row.access === access) return false;
    await tx.update(endpoints).set({ access, updatedAt: new Date() }).where(eq(endpoints.id, row.id));
    await notifyEndpointChanged(tx, name);
    return true;
  });
  if (changed) await announceEndpointChanged(name);
  return { name, access, changed };
}
