import { and, eq } from 'drizzle-orm';
import type { getDb } from '../../db/client';
import { modelAliasEvents, modelAliases, models, modelVersions } from '../../db/schema';
import type { Slot } from './model-registry';

// An endpoint slot and the model alias of the same name move together: a promotion or rollback that points
// a slot at a version points that version's model alias (`production` / `staging`) at it too, in the same
// transaction, so the registry never says another version is in production than the endpoint serves.

type Tx = Parameters<Parameters<ReturnType<typeof getDb>['transaction']>[0]>[0];

/** The actor of an alias move made by a run's deploy step: which run and which step. */
export const deployStepActor = (runId: string, nodeId: string) => `run:${runId}/${nodeId}`;

/** The actor of an alias move made by a rollback of an endpoint, and who asked for the rollback. */
export const rollbackActor = (endpoint: string, by: string) => `rollback:${endpoint} by ${by}`;

/**
 * Points the alias named after `slot` of the version's model at the version and records the move, unless it
 * names that version already. Runs inside the caller's transaction; the model's row is locked like a
 * person's alias move (server/services/model-aliases.ts) locks it, so moves of one model are recorded in
 * the order they took effect.
 */
export async function moveAliasWithSlot(tx: Tx, slot: Slot, modelVersionId: string, actor: string): Promise<boolean> {
  const [v] = await tx.select({ modelId: modelVersions.modelId }).from(modelVersions).where(eq(modelVersions.id, modelVersionId));
  if (!v) return false;
  await tx.select({ id: models.id }).from(models).where(eq(models.id, v.modelId)).for('update');
  const [current] = await tx
    .select({ modelVersionId: modelAliases.modelVersionId })
    .from(modelAliases)
    .where(and(eq(modelAliases.modelId, v.modelId), eq(modelAliases.alias, slot)));
  if (current?.modelVersionId === modelVersionId) return false;
  await tx
    .insert(modelAliases)
    .values({ modelId: v.modelId, alias: slot, modelVersionId })
    .onConflictDoUpdate({ target: [modelAliases.modelId, modelAliases.alias], set: { modelVersionId, updatedAt: new Date() } });
  await tx.insert(modelAliasEvents).values({ modelId: v.modelId, alias: slot, fromModelVersionId: current?.modelVersionId ?? null, toModelVersionId: modelVersionId, actor });
  return true;
}
