import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { pipelines, pipelineVersions, runs } from '../../db/schema';
import { canonicalJson } from '../../workflows/canonical-json';
import { compilePipeline, type CompileError } from '../../workflows/compiler';
import type { PipelineDocument } from '../../workflows/document';
import type { Plan, RunStatus } from '../../workflows/plan';
import { notFound } from './errors';
import { defaultWorkspaceId } from './workspace';

export type SavePipelineResult =
  | { ok: true; name: string; version: number; created: boolean }
  | { ok: false; errors: CompileError[] };

/** Compiles and stores a document as a new immutable version (unless it equals the newest one). */
export async function savePipeline(raw: unknown, opts: { name?: string } = {}): Promise<SavePipelineResult> {
  const compiled = compilePipeline(raw);
  if (!compiled.ok) return { ok: false, errors: compiled.errors };
  const doc = (raw as PipelineDocument);
  if (opts.name !== undefined && doc.name !== opts.name) {
    return {
      ok: false,
      errors: [{ code: 'invalid_document', path: 'name', message: `The document is named "${doc.name}" but was sent to "${opts.name}"` }],
    };
  }
  const { plan } = compiled;
  const workspaceId = await defaultWorkspaceId();
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
      return { ok: true as const, name: doc.name, version: latest.version, created: false };
    }
    const version = (latest?.version ?? 0) + 1;
    await tx.insert(pipelineVersions).values({ pipelineId: p!.id, version, document: doc, plan, planHash: plan.hash });
    return { ok: true as const, name: doc.name, version, created: true };
  });
}

export async function getPipelineVersionRow(name: string, version?: number) {
  const workspaceId = await defaultWorkspaceId();
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

export async function getPipeline(name: string, version?: number) {
  const row = await getPipelineVersionRow(name, version);
  const versions = await getDb()
    .select({ version: pipelineVersions.version, createdAt: pipelineVersions.createdAt })
    .from(pipelineVersions)
    .where(eq(pipelineVersions.pipelineId, row.pipelineId))
    .orderBy(desc(pipelineVersions.version));
  return { name, version: row.version, document: row.document, versions };
}

export async function listPipelines(): Promise<
  { name: string; latestVersion: number; updatedAt: Date; lastRun?: { runId: string; status: RunStatus; createdAt: Date } }[]
> {
  const db = getDb();
  const workspaceId = await defaultWorkspaceId();
  const latest = await db
    .selectDistinctOn([pipelines.name], {
      pipelineId: pipelines.id,
      name: pipelines.name,
      version: pipelineVersions.version,
      updatedAt: pipelineVersions.createdAt,
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
    })
    .from(runs)
    .innerJoin(pipelineVersions, eq(pipelineVersions.id, runs.pipelineVersionId))
    .where(inArray(pipelineVersions.pipelineId, latest.map((l) => l.pipelineId)))
    .orderBy(pipelineVersions.pipelineId, desc(runs.createdAt), sql`1`);
  const byPipeline = new Map(lastRuns.map((r) => [r.pipelineId, r]));
  return latest.map((l) => {
    const r = byPipeline.get(l.pipelineId);
    return {
      name: l.name,
      latestVersion: l.version,
      updatedAt: l.updatedAt,
      lastRun: r ? { runId: r.runId, status: r.status, createdAt: r.createdAt } : undefined,
    };
  });
}
