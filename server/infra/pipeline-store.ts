import { and, desc, eq } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { pipelines, pipelineVersions } from '../../db/schema';
import { compilePipeline, type Catalog } from '../../workflows/core/compiler';
import type { PipelineDocument } from '../../workflows/core/document';
import type { Plan } from '../../workflows/core/plan';
import type { SqlDescription } from '../../workflows/core/sql';
import { config } from './config';
import { loadDatasetLookup } from './dataset-registry';
import { notFound } from './errors';
import { describeSqlBatch } from './sql-descriptions';
import { currentWorkspaceId } from './workspace';

// Stored pipeline versions, and compiling a document as the server does (today's datasets, DuckDB's
// description of the steps' SQL): shared by the web side and the worker's activities that start runs.
// The step catalog is handed in by the caller: infrastructure knows no step.

/**
 * Compiles a document the way the server does: this workspace's datasets, the configured limits, and
 * the steps' SQL described by DuckDB. Each round answers the SQL the compiler still needs (a query
 * over a table whose schema another query decides comes one round later), until nothing is pending.
 */
export async function compileForServer(catalog: Catalog, raw: unknown, mode: 'save' | 'run', params?: Record<string, unknown>) {
  const datasets = await loadDatasetLookup();
  const answers = new Map<string, SqlDescription>();
  const compile = () => compilePipeline(raw, catalog, { datasets, mode, limits: config().documentLimits, sql: (key) => answers.get(key), params });
  let result = compile();
  while (result.pendingSql.length > 0) {
    for (const [key, answer] of await describeSqlBatch(result.pendingSql)) answers.set(key, answer);
    result = compile();
  }
  return result;
}

export async function getPipelineVersionRow(name: string, version?: number) {
  const workspaceId = currentWorkspaceId();
  const [row] = await getDb()
    .select({ v: pipelineVersions })
    .from(pipelineVersions)
    .innerJoin(pipelines, eq(pipelines.id, pipelineVersions.pipelineId))
    .where(
      and(
        eq(pipelines.workspaceId, workspaceId),
        eq(pipelines.name, name),
        version === undefined ? undefined : eq(pipelineVersions.version, version),
      ),
    )
    .orderBy(desc(pipelineVersions.version))
    .limit(1);
  if (!row) throw notFound(version === undefined ? `Pipeline "${name}"` : `Version ${version} of pipeline "${name}"`);
  return { ...row.v, document: row.v.document as PipelineDocument, plan: row.v.plan as Plan };
}

