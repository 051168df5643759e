import { and, desc, eq, lt } from 'drizzle-orm';
import { alias as aliasTable } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { getDb } from '../../db/client';
import { modelAliasEvents, modelAliases, models, modelVersions } from '../../db/schema';
import { MODEL_ALIASES } from '../../workflows/core/model-aliases';
import { notFound } from '../infra/errors';
import { currentWorkspaceId } from '../infra/workspace';
import { modelNameSchema } from './model-versions';

// Model aliases (staging, production, archived): which version each names, and every move with who made it.

export const modelAliasSchema = z.enum(MODEL_ALIASES, { error: `An alias is one of ${MODEL_ALIASES.join(', ')}` });
export const ACTOR = /^[A-Za-z0-9_.:@-]{1,100}$/;
export const moveAliasInput = z.strictObject({
  name: modelNameSchema,
  alias: modelAliasSchema,
  version: z.number().int().min(1, 'Model versions start at 1'),
});
/** PUT /api/v1/models/{name}/aliases/{alias}. */
export const moveAliasBody = z.strictObject({ version: z.number().int().min(1, 'Model versions start at 1') });
export const aliasHistoryQuery = z.strictObject({
  name: modelNameSchema,
  before: z.number().int().min(1).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

/**
 * Points an alias at a version and records the move, in one transaction with the alias row locked, so
 * concurrent moves are recorded in the order they took effect. Moving it to the version it names already
 * records nothing.
 */
export async function moveModelAlias(input: { name: string; alias: string; version: number }, actor: string) {
  const { name, alias, version } = moveAliasInput.parse(input);
  const workspaceId = currentWorkspaceId();
  return getDb().transaction(async (tx) => {
    const [m] = await tx
      .select({ id: models.id })
      .from(models)
      .where(and(eq(models.workspaceId, workspaceId), eq(models.name, name)))
      .for('update');
    if (!m) throw notFound(`Model "${name}"`);
    const [v] = await tx
      .select({ id: modelVersions.id })
      .from(modelVersions)
      .where(and(eq(modelVersions.modelId, m.id), eq(modelVersions.version, version)));
    if (!v) throw notFound(`Version ${version} of model "${name}"`);
    const [current] = await tx
      .select({ modelVersionId: modelAliases.modelVersionId })
      .from(modelAliases)
      .where(and(eq(modelAliases.modelId, m.id), eq(modelAliases.alias, alias)));
    if (current?.modelVersionId === v.id) return { name, alias, version, changed: false };
    await tx
      .insert(modelAliases)
      .values({ modelId: m.id, alias, modelVersionId: v.id })
      .onConflictDoUpdate({ target: [modelAliases.modelId, modelAliases.alias], set: { modelVersionId: v.id, updatedAt: new Date() } });
    await tx.insert(modelAliasEvents).values({ modelId: m.id, alias, fromModelVersionId: current?.modelVersionId ?? null, toModelVersionId: v.id, actor });
    return { name, alias, version, changed: true };
  });
}

/** A model's alias moves, newest first; `before` (an event id) pages back. */
export async function modelAliasHistory(raw: z.input<typeof aliasHistoryQuery>) {
  const q = aliasHistoryQuery.parse(raw);
  const workspaceId = currentWorkspaceId();
  const [m] = await getDb()
    .select({ id: models.id })
    .from(models)
    .where(and(eq(models.workspaceId, workspaceId), eq(models.name, q.name)));
  if (!m) throw notFound(`Model "${q.name}"`);
  const from = aliasTable(modelVersions, 'from_version');
  const to = aliasTable(modelVersions, 'to_version');
  const rows = await getDb()
    .select({ id: modelAliasEvents.id, alias: modelAliasEvents.alias, from: from.version, to: to.version, actor: modelAliasEvents.actor, at: modelAliasEvents.createdAt })
    .from(modelAliasEvents)
    .leftJoin(from, eq(from.id, modelAliasEvents.fromModelVersionId))
    .innerJoin(to, eq(to.id, modelAliasEvents.toModelVersionId))
    .where(and(eq(modelAliasEvents.modelId, m.id), q.before === undefined ? undefined : lt(modelAliasEvents.id, q.before)))
    .orderBy(desc(modelAliasEvents.id))
    .limit(q.limit);
  return { name: q.name, events: rows.map((r) => ({ ...r, from: r.from ?? null })) };
}
