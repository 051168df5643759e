import { and, desc, eq } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { modelAliases, models, modelVersions } from '../../db/schema';
import type { ModelAlias } from '../../workflows/core/model-aliases';
import { notFound } from './errors';
import { getModelVersion } from './model-registry';
import { currentWorkspaceId } from './workspace';

/** A registered model's version by number, by alias, or (neither given) its newest version. */
export async function findModelVersion(name: string, choice: { version?: number; alias?: ModelAlias }) {
  const db = getDb();
  const [model] = await db
    .select({ id: models.id })
    .from(models)
    .where(and(eq(models.workspaceId, currentWorkspaceId()), eq(models.name, name)));
  if (!model) throw notFound(`Model "${name}"`);
  let id: string | undefined;
  if (choice.alias) {
    const [row] = await db
      .select({ id: modelAliases.modelVersionId })
      .from(modelAliases)
      .where(and(eq(modelAliases.modelId, model.id), eq(modelAliases.alias, choice.alias)));
    if (!row) throw notFound(`Alias "${choice.alias}" of model "${name}"`);
    id = row.id;
  } else {
    const where = choice.version === undefined ? eq(modelVersions.modelId, model.id) : and(eq(modelVersions.modelId, model.id), eq(modelVersions.version, choice.version));
    const [row] = await db.select({ id: modelVersions.id }).from(modelVersions).where(where).orderBy(desc(modelVersions.version)).limit(1);
    if (!row) throw notFound(choice.version === undefined ? `A version of model "${name}"` : `Version ${choice.version} of model "${name}"`);
    id = row.id;
  }
  return getModelVersion(id);
}
