import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { endpointEvents, endpoints, models, modelVersions } from '../../db/schema';
import { announceEndpointChanged, listeningEndpointChanges, notifyEndpointChanged } from './endpoint-changes';
import { notFound, ServiceError } from './errors';
import { moveAliasWithSlot, rollbackActor } from './model-alias-moves';
import type { Slot } from './model-registry';
import { currentWorkspaceId } from './workspace';

export interface RollbackTarget {
  /** A version number of the model the slot serves now… */
  version?: number;
  /** …or any model version the endpoint served before. */
  modelVersionId?: string;
  slot?: Slot;
}

export interface RollbackOutcome {
  endpoint: string;
  slot: Slot;
  model: string;
  modelVersion: number;
  modelVersionId: string;
  fromModelVersionId: string | null;
  /** False when the slot already served that version: nothing recorded. */
  changed: boolean;
}

/**
 * Points a slot of the endpoint back at a version it served before, recorded as a `rollback` event, in
 * one transaction with the endpoint's row locked. Effective for the next request: like a promotion, it
 * returns once every listening serving process has followed the change.
 */
export async function rollbackEndpoint(name: string, target: RollbackTarget, actor: string): Promise<RollbackOutcome> {
  const slot = target.slot ?? 'production';
  const workspaceId = currentWorkspaceId();
  const token = randomUUID();
  const acks = listeningEndpointChanges()?.collectAcks(token, 2000);
  let outcome: RollbackOutcome;
  try {
    outcome = await getDb().transaction(async (tx) => {
      const [endpoint] = await tx
        .select({ id: endpoints.id, production: endpoints.modelVersionId, staging: endpoints.stagingModelVersionId })
        .from(endpoints)
        .where(and(eq(endpoints.workspaceId, workspaceId), eq(endpoints.name, name)))
        .for('update');
      if (!endpoint) throw notFound(`Endpoint "${name}"`);
      const current = slot === 'staging' ? endpoint.staging : endpoint.production;
      let targetId = target.modelVersionId;
      if (targetId === undefined) {
        if (!current) throw new ServiceError('conflict', `Endpoint "${name}" has nothing in its ${slot} slot: name the model version by modelVersionId`);
        const [served] = await tx.select({ modelId: modelVersions.modelId }).from(modelVersions).where(eq(modelVersions.id, current));
        const [byNumber] = await tx
          .select({ id: modelVersions.id })
          .from(modelVersions)
          .where(and(eq(modelVersions.modelId, served!.modelId), eq(modelVersions.version, target.version!)));
        if (!byNumber) throw notFound(`Version ${target.version} of the model endpoint "${name}" serves`);
        targetId = byNumber.id;
      }
      const [version] = await tx
        .select({ id: modelVersions.id, version: modelVersions.version, model: models.name })
        .from(modelVersions)
        .innerJoin(models, eq(models.id, modelVersions.modelId))
        .where(eq(modelVersions.id, targetId));
      if (!version) throw notFound(`Model version ${targetId}`);
      const result = { endpoint: name, slot, model: version.model, modelVersion: version.version, modelVersionId: version.id, fromModelVersionId: current };
      if (current === version.id) return { ...result, changed: false };
      // Only back to what this endpoint served: a version it never served goes through a deploy step's checks.
      const [served] = await tx
        .select({ id: endpointEvents.id })
        .from(endpointEvents)
        .where(and(eq(endpointEvents.endpointId, endpoint.id), eq(endpointEvents.toModelVersionId, version.id)))
        .limit(1);
      if (!served) throw new ServiceError('conflict', `Endpoint "${name}" never served ${version.model} v${version.version}: roll back only to a version it served before`);
      await tx
        .update(endpoints)
        .set({ ...(slot === 'staging' ? { stagingModelVersionId: version.id } : { modelVersionId: version.id }), updatedAt: new Date() })
        .where(eq(endpoints.id, endpoint.id));
      await tx.insert(endpointEvents).values({ endpointId: endpoint.id, kind: 'rollback', slot, fromModelVersionId: current, toModelVersionId: version.id, actor });
      await moveAliasWithSlot(tx, slot, version.id, rollbackActor(name, actor));
      await notifyEndpointChanged(tx, name, token);
      return { ...result, changed: true };
    });
  } catch (err) {
    acks?.cancel();
    throw err;
  }
  if (!outcome.changed) {
    acks?.cancel();
    return outcome;
  }
  await announceEndpointChanged(name);
  await acks?.all();
  return outcome;
}
