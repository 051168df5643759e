import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { pipelines, pipelineVersions, runs } from '../../db/schema';
import { canonicalJson } from '../../workflows/core/canonical-json';
import type { CompileError } from '../../workflows/core/compiler';
import type { PipelineDocument } from '../../workflows/core/document';
import type { RunStatus } from '../../workflows/core/plan';
import { currentWorkspaceId } from '../infra/workspace';
import { compileForServer as compileWith, getPipelineVersionRow } from '../infra/pipeline-store';
import { catalog } from '../../workflows/steps/catalog';
import { gateBlockedSql } from './run-outcome';

export { getPipelineVersionRow };

/** Compiles a document the way the server does (see server/infra/pipeline-store.ts), with the step catalog. */
export function compileForServer(raw: unknown, mode: 'save' | 'run') {
  return compileWith(catalog, raw, mode);
}

export type SavePipelineResult =
  | { ok: true; name: string; version: number; created: boolean; warnings: CompileError[] }
  | { ok: false; errors: CompileError[]; warnings: CompileError[] };

/**
 * Compiles and stores a document as a new immutable version (unless it equals the newest one).
 * What is stored is the parsed document: nothing the schema does not describe.
 */
export async function savePipeline(
  raw: unknown,
  opts: { name?: string; /** Who saves: the channel ("ui", "api", "cli") until accounts exist. */ author?: string; message?: string } = {},
): Promise<SavePipelineResult> {
  const compiled = await compileForServer(raw, 'save');
  if (!compiled.ok) return { ok: false, errors: compiled.errors, warnings: compiled.warnings };
  const doc: PipelineDocument = compiled.document;
  const { warnings } = compiled;
  if (opts.name !== undefined && doc.name !== opts.name) {
    return {
      ok: false,
      errors: [{ code: 'invalid_document', path: 'name', message: `The document is named "${doc.name}" but was sent to "${opts.name}"` }],
      warnings,
    };
  }
  const { plan } = compiled;
  const workspaceId = currentWorkspaceId();
  return getDb().transaction(async (tx) => {
    await tx.insert(pipelines).values({ workspaceId, name: doc.name }).onConflictDoNothing();
    const [p] = await tx
      .select({ id: pipelines.id })
      .from(pipelines)
      .where(and(eq(pipelines.workspaceId, workspaceId), eq(pipelines.name, doc.name)))
      .for('update');
    const [latest] = await tx
      .select()
      .from(pipelineVersions)
      .where(eq(pipelineVersions.pipelineId, p!.id))
      .orderBy(desc(pipelineVersions.version))
      .limit(1);
    if (latest && canonicalJson(latest.document) === canonicalJson(doc)) {
      return { ok: true as const, name: doc.name, version: latest.version, created: false, warnings };
    }
    const version = (latest?.version ?? 0) + 1;
    await tx.insert(pipelineVersions).values({
      pipelineId: p!.id,
      version,
      document: doc,
      plan,
      planHash: plan.hash,
      author: opts.author ?? 'system',
      message: opts.message ?? null,
    });
    return { ok: true as const, name: doc.name, version, created: true, warnings };
  });
}

export async function getPipeline(name: string, version?: number) {
  const row = await getPipelineVersionRow(name, version);
  const versions = await getDb()
    .select({ version: pipelineVersions.version, createdAt: pipelineVersions.createdAt, author: pipelineVersions.author, message: pipelineVersions.message })
    .from(pipelineVersions)
    .where(eq(pipelineVersions.pipelineId, row.pipelineId))
    .orderBy(desc(pipelineVersions.version));
  return { name, version: row.version, document: row.document, versions };
}

export async function listPipelines(): Promise<
  { name: string; description?: string; latestVersion: number; updatedAt: Date; lastRun?: { runId: string; status: RunStatus; createdAt: Date; gateBlocked: boolean } }[]
> {
  const db = getDb();
  const workspaceId = currentWorkspaceId();
  const latest = await db
    .selectDistinctOn([pipelines.name], {
      pipelineId: pipelines.id,
      name: pipelines.name,
      version: pipelineVersions.version,
      updatedAt: pipelineVersions.createdAt,
      description: sql<string | null>`${pipelineVersions.document}->>'description'`,
    })
    .from(pipelines)
    .innerJoin(pipelineVersions, eq(pipelines.id, pipelineVersions.pipelineId))
    .where(eq(pipelines.workspaceId, workspaceId))
    .orderBy(pipelines.name, desc(pipelineVersions.version));
  if (latest.length === 0) return [];
  const lastRuns = await db
    .selectDistinctOn([pipelineVersions.pipelineId], {
      pipelineId: pipelineVersions.pipelineId,
      runId: runs.id,
      status: runs.status,
      createdAt: runs.createdAt,
      gateBlocked: gateBlockedSql(runs.id),
    })
    .from(runs)
    .innerJoin(pipelineVersions, eq(pipelineVersions.id, runs.pipelineVersionId))
    // A "preview up to here" run is a look at the data, not the pipeline's run: the overview skips it.
    .where(and(inArray(pipelineVersions.pipelineId, latest.map((l) => l.pipelineId)), isNull(runs.previewUpTo)))
    .orderBy(pipelineVersions.pipelineId, desc(runs.createdAt), sql`1`);
  const byPipeline = new Map(lastRuns.map((r) => [r.pipelineId, r]));
  return latest.map((l) => {
    const r = byPipeline.get(l.pipelineId);
    return {
      name: l.name,
      description: l.description ?? undefined,
      latestVersion: l.version,
      updatedAt: l.updatedAt,
      lastRun: r ? { runId: r.runId, status: r.status, createdAt: r.createdAt, gateBlocked: r.gateBlocked } : undefined,
    };
  });
}
