import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '../../db/client';
import { datasets, datasetVersions } from '../../db/schema';
import { artifactStore } from '../infra/artifact-store';
import { getDatasetVersion, pointLatestAt } from '../infra/dataset-registry';
import { quoteIdent, quoteLiteral, withDuckDb, type ColumnInfo } from '../infra/duckdb';
import { notFound } from '../infra/errors';
import { defaultWorkspaceId } from '../infra/workspace';
import { datasetNameSchema } from '../infra/dataset-ingest';

// A dataset's versions for the datasets page and API: the list, a page of rows, per-column statistics and
// setting "latest" back to an earlier version.

export const datasetVersionRef = z.object({ name: datasetNameSchema, version: z.number().int().min(1) });
export const PREVIEW_MAX_LIMIT = 500;
export const datasetPreviewQuery = datasetVersionRef.extend({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(PREVIEW_MAX_LIMIT, `At most ${PREVIEW_MAX_LIMIT} rows per page`).default(100),
});
/** POST /api/v1/datasets/{name}/latest. */
export const setLatestBody = z.strictObject({ version: z.number().int().min(1, 'Dataset versions start at 1') });
export const HISTOGRAM_BINS = 10;

export interface DatasetVersionSummary {
  version: number;
  rows: number;
  columns: ColumnInfo[];
  sourceFormat: string;
  latest: boolean;
  createdAt: Date;
}

async function datasetRow(name: string) {
  const workspaceId = await defaultWorkspaceId();
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
  return { v, src: `read_parquet(${quoteLiteral(await artifactStore().localPath(v.artifactHash))})` };
}

/** A page of a version's rows in file order, as JSON values (dates, decimals and integers past 2^53 as strings). */
export async function previewDatasetVersion(q: z.input<typeof datasetPreviewQuery>) {
  const { name, version, offset, limit } = datasetPreviewQuery.parse(q);
  const { v, src } = await parquetOf(name, version);
  const rows = await withDuckDb(async (conn) => {
    const r = await conn.runAndReadAll(`SELECT * FROM ${src} LIMIT ${limit} OFFSET ${offset}`);
    return r.getRowObjectsJson();
  });
  // Big integers come as strings (exact); those a JavaScript number holds exactly become numbers.
  const integers = v.columns.filter((c) => /INT/i.test(c.type)).map((c) => c.name);
  for (const row of rows) {
    for (const c of integers) {
      const x = row[c];
      if (typeof x === 'string' && Number.isSafeInteger(Number(x))) row[c] = Number(x);
    }
  }
  return { name, version, totalRows: v.rows, offset, limit, columns: v.columns, rows };
}

export interface ColumnStats {
  name: string;
  type: string;
  nulls: number;
  distinct: number;
  min: string | number | null;
  max: string | number | null;
  /** Numeric columns: equal-width bins between min and max. Others: the most frequent values. */
  histogram: { label: string; count: number }[];
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL|DECIMAL.*)$/i;

/** Per-column statistics of a version, computed by DuckDB over its Parquet file. */
export async function datasetVersionStats(name: string, version: number): Promise<{ name: string; version: number; rows: number; columns: ColumnStats[] }> {
  const { v, src } = await parquetOf(name, version);
  const columns = await withDuckDb(async (conn) => {
    const out: ColumnStats[] = [];
    for (const c of v.columns) {
      const col = quoteIdent(c.name);
      const numeric = NUMERIC.test(c.type);
      const agg = await conn.runAndReadAll(
        `SELECT count(*) FILTER (WHERE ${col} IS NULL)::DOUBLE AS nulls, count(DISTINCT ${col})::DOUBLE AS distinct_,
          ${numeric ? `min(${col})::DOUBLE` : `min(${col})::VARCHAR`} AS mn, ${numeric ? `max(${col})::DOUBLE` : `max(${col})::VARCHAR`} AS mx
         FROM ${src}`,
      );
      const a = agg.getRowObjectsJS()[0]!;
      const mn = a.mn as number | string | null;
      const mx = a.mx as number | string | null;
      let histogram: ColumnStats['histogram'] = [];
      if (numeric && typeof mn === 'number' && typeof mx === 'number') {
        const width = (mx - mn) / HISTOGRAM_BINS;
        const h = await conn.runAndReadAll(
          width > 0
            ? `SELECT least(floor((${col}::DOUBLE - ${mn}) / ${width}), ${HISTOGRAM_BINS - 1})::INTEGER AS b, count(*)::DOUBLE AS n
               FROM ${src} WHERE ${col} IS NOT NULL GROUP BY 1 ORDER BY 1`
            : `SELECT 0 AS b, count(*)::DOUBLE AS n FROM ${src} WHERE ${col} IS NOT NULL`,
        );
        const counts = new Map(h.getRowObjectsJS().map((r) => [Number(r.b), Number(r.n)]));
        const bins = width > 0 ? HISTOGRAM_BINS : 1;
        histogram = Array.from({ length: bins }, (_, i) => ({
          label: `${round(mn + i * width)}–${round(i === bins - 1 ? mx : mn + (i + 1) * width)}`,
          count: counts.get(i) ?? 0,
        }));
      } else if (!numeric) {
        const h = await conn.runAndReadAll(
          `SELECT ${col}::VARCHAR AS value, count(*)::DOUBLE AS n FROM ${src} WHERE ${col} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${HISTOGRAM_BINS}`,
        );
        histogram = h.getRowObjectsJS().map((r) => ({ label: String(r.value), count: Number(r.n) }));
      }
      out.push({ name: c.name, type: c.type, nulls: Number(a.nulls), distinct: Number(a.distinct_), min: mn, max: mx, histogram });
    }
    return out;
  });
  return { name, version, rows: v.rows, columns };
}

function round(x: number): number {
  return Number(x.toPrecision(4));
}
