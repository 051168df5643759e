import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '../../db/client';
import { datasets, datasetVersions } from '../../db/schema';
import { artifactStore } from '../infra/artifact-store';
import { getDatasetVersion, pointLatestAt } from '../infra/dataset-registry';
import type { ColumnInfo } from '../infra/duckdb';
import { parquetStats, previewParquet, PREVIEW_MAX_LIMIT, type ColumnStats } from '../infra/table-preview';
import { notFound } from '../infra/errors';
import { currentWorkspaceId } from '../infra/workspace';
import { datasetNameSchema } from '../infra/dataset-ingest';

// A dataset's versions for the datasets page and API: the list, a page of rows, per-column statistics and
// setting "latest" back to an earlier version.

export const datasetVersionRef = z.object({ name: datasetNameSchema, version: z.number().int().min(1) });
export { PREVIEW_MAX_LIMIT, type ColumnStats };
export const datasetPreviewQuery = datasetVersionRef.extend({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(PREVIEW_MAX_LIMIT, `At most ${PREVIEW_MAX_LIMIT} rows per page`).default(100),
});
/** POST /api/v1/datasets/{name}/latest. */
export const setLatestBody = z.strictObject({ version: z.number().int().min(1, 'Dataset versions start at 1') });

export interface DatasetVersionSummary {
  version: number;
  rows: number;
  columns: ColumnInfo[];
  sourceFormat: string;
  latest: boolean;
  createdAt: Date;
}

async function datasetRow(name: string) {
  const workspaceId = currentWorkspaceId();
  const [ds] = await getDb()
    .select()
    .from(datasets)
    .where(and(eq(datasets.workspaceId, workspaceId), eq(datasets.name, name)));
  if (!ds) throw notFound(`Dataset "${name}"`);
  return ds;
}

/** Every version of a dataset, oldest first, with which one "latest" means. */
export async function listDatasetVersions(name: string): Promise<{ name: string; latestVersion: number; versions: DatasetVersionSummary[] }> {
  const ds = await datasetRow(name);
  const rows = await getDb().select().from(datasetVersions).where(eq(datasetVersions.datasetId, ds.id)).orderBy(asc(datasetVersions.version));
  const latestVersion = ds.latestVersion ?? rows.at(-1)?.version ?? 0;
  return {
    name,
    latestVersion,
    versions: rows.map((v) => ({
      version: v.version,
      rows: v.rows,
      columns: v.columns as ColumnInfo[],
      sourceFormat: v.sourceFormat,
      latest: v.version === latestVersion,
      createdAt: v.createdAt,
    })),
  };
}

/** Makes an existing version what "latest" means (runs that load the dataset without a version get it). */
export async function setLatestDatasetVersion(name: string, version: number): Promise<{ name: string; latestVersion: number }> {
  const ds = await datasetRow(name);
  if (!(await pointLatestAt(ds.id, version))) throw notFound(`Version ${version} of dataset "${name}"`);
  return { name, latestVersion: version };
}

async function parquetOf(name: string, version: number) {
  const v = await getDatasetVersion(name, version);
  return { v, file: await artifactStore().localPath(v.artifactHash) };
}

/** A page of a version's rows in file order, as JSON values (dates, decimals and integers past 2^53 as strings). */
export async function previewDatasetVersion(q: z.input<typeof datasetPreviewQuery>) {
  const { name, version, offset, limit } = datasetPreviewQuery.parse(q);
  const { v, file } = await parquetOf(name, version);
  const rows = await previewParquet(file, v.columns, offset, limit);
  return { name, version, totalRows: v.rows, offset, limit, columns: v.columns, rows };
}

/** Per-column statistics of a version, computed by DuckDB over its Parquet file. */
export async function datasetVersionStats(name: string, version: number): Promise<{ name: string; version: number; rows: number; columns: ColumnStats[] }> {
  const { v, file } = await parquetOf(name, version);
  return { name, version, rows: v.rows, columns: await parquetStats(file, v.columns) };
}
