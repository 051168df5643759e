import { and, desc, eq, isNull, or, sql } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { artifactLinks, datasets, datasetVersions, runSteps } from '../../db/schema';
import { makeDatasetLookup, type DatasetLookup } from '../../workflows/core/compiler';
import type { TableSchema } from '../../workflows/core/table-schema';
import type { ColumnInfo } from './duckdb';
import { notFound } from './errors';
import { currentWorkspaceId } from './workspace';

// The dataset registry: named, versioned tables. Read by the ingest step and by the web side.

export interface DatasetVersionView {
  name: string;
  version: number;
  rows: number;
  columns: ColumnInfo[];
  artifactHash: string;
  createdAt: Date;
}

export async function findVersionBySource(workspaceId: string, name: string, sourceHash: string) {
  const [row] = await getDb()
    .select({ v: datasetVersions })
    .from(datasetVersions)
    .innerJoin(datasets, eq(datasets.id, datasetVersions.datasetId))
    .where(and(eq(datasets.workspaceId, workspaceId), eq(datasets.name, name), eq(datasetVersions.sourceHash, sourceHash)));
  return row ? { ...toView(name, row.v), datasetId: row.v.datasetId } : undefined;
}

function toView(name: string, v: typeof datasetVersions.$inferSelect): DatasetVersionView {
  return {
    name,
    version: v.version,
    rows: v.rows,
    columns: v.columns as ColumnInfo[],
    artifactHash: v.artifactHash,
    createdAt: v.createdAt,
  };
}

/**
 * Makes an existing version what "latest" means (runs that load the dataset without a version get it);
 * answers which version was latest before, or undefined when the dataset has no such version. Setting
 * it to the newest clears the pin, so the next upload is "latest" again as usual.
 */
export async function pointLatestAt(datasetId: string, version: number): Promise<{ before: number } | undefined> {
  return getDb().transaction(async (tx) => {
    // The dataset's row locked first, as an upload does, so a version uploaded meanwhile is seen here.
    const [ds] = await tx.select({ pinned: datasets.latestVersion }).from(datasets).where(eq(datasets.id, datasetId)).for('update');
    const [newest] = await tx
      .select({ max: sql<number>`max(${datasetVersions.version})` })
      .from(datasetVersions)
      .where(eq(datasetVersions.datasetId, datasetId));
    const [exists] = await tx
      .select({ version: datasetVersions.version })
      .from(datasetVersions)
      .where(and(eq(datasetVersions.datasetId, datasetId), eq(datasetVersions.version, version)));
    if (!ds || !exists) return undefined;
    const max = Number(newest?.max);
    await tx
      .update(datasets)
      .set({ latestVersion: max === version ? null : version })
      .where(eq(datasets.id, datasetId));
    return { before: ds.pinned ?? max };
  });
}

/** A dataset version row that may be "latest": the version it was set back to, else any (the newest wins). */
export const isLatestVersion = or(isNull(datasets.latestVersion), eq(datasetVersions.version, datasets.latestVersion));

/** One version of a dataset ("latest" when version is omitted: the newest, or the version it was set back to). */
export async function getDatasetVersion(name: string, version?: number): Promise<DatasetVersionView> {
  const workspaceId = currentWorkspaceId();
  const [row] = await getDb()
    .select({ v: datasetVersions })
    .from(datasetVersions)
    .innerJoin(datasets, eq(datasets.id, datasetVersions.datasetId))
    .where(
      and(
        eq(datasets.workspaceId, workspaceId),
        eq(datasets.name, name),
        version === undefined ? isLatestVersion : eq(datasetVersions.version, version),
      ),
    )
    .orderBy(desc(datasetVersions.version))
    .limit(1);
  if (!row) throw notFound(version === undefined ? `Dataset "${name}"` : `Version ${version} of dataset "${name}"`);
  return toView(name, row.v);
}


/** Every dataset version's columns in the workspace (for design-time schema checks). */
export async function listDatasetSchemas(): Promise<{ name: string; version: number; columns: TableSchema }[]> {
  const workspaceId = currentWorkspaceId();
  const rows = await getDb()
    .select({ name: datasets.name, version: datasetVersions.version, columns: datasetVersions.columns })
    .from(datasetVersions)
    .innerJoin(datasets, eq(datasets.id, datasetVersions.datasetId))
    .where(eq(datasets.workspaceId, workspaceId));
  return rows.map((r) => ({ name: r.name, version: r.version, columns: (r.columns as ColumnInfo[]).map((c) => ({ name: c.name, type: c.type })) }));
}

/** The compiler's design-time dataset lookup over the workspace's datasets. */
export async function loadDatasetLookup(): Promise<DatasetLookup> {
  return makeDatasetLookup(await listDatasetSchemas());
}

/**
 * The dataset versions a table of a run was made from: follows that run's lineage (artifact links) upstream
 * from the table to the steps that loaded a dataset version (their summary names it). Only this run's own
 * steps count: the same bytes may also be another dataset's version, loaded elsewhere.
 */
export async function datasetVersionsUpstreamOf(runId: string, artifactHash: string): Promise<{ dataset: string; version: number }[]> {
  const rows = await getDb().execute<{ dataset: string; version: number }>(sql`
    WITH RECURSIVE upstream(node_id) AS (
      SELECT o.node_id FROM ${artifactLinks} o
      WHERE o.run_id = ${runId} AND o.artifact_hash = ${artifactHash} AND o.role = 'output'
      UNION
      SELECT o.node_id
      FROM upstream u
      JOIN ${artifactLinks} i ON i.run_id = ${runId} AND i.node_id = u.node_id AND i.role = 'input'
      JOIN ${artifactLinks} o ON o.run_id = ${runId} AND o.artifact_hash = i.artifact_hash AND o.role = 'output'
    )
    SELECT DISTINCT s.summary->>'dataset' AS dataset, (s.summary->>'version')::int AS version
    FROM upstream u
    JOIN ${runSteps} s ON s.run_id = ${runId} AND s.node_id = u.node_id
    WHERE jsonb_typeof(s.summary->'dataset') = 'string' AND jsonb_typeof(s.summary->'version') = 'number'
    ORDER BY 1, 2
    LIMIT 20`);
  return [...rows].map((r) => ({ dataset: String(r.dataset), version: Number(r.version) }));
}
