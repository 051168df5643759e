import fs, { createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { and, eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { getDb } from '../../db/client';
import { artifacts, endpoints, models, modelVersions, predictionFeedback, predictionLogs } from '../../db/schema';
import { withDuckDb, quoteIdent, quoteLiteral, type ColumnInfo } from './duckdb';
import { notFound } from './errors';
import type { ModelMeta } from './fitter';
import type { Slot } from './model-registry';
import { currentWorkspaceId } from './workspace';

// What monitoring reads of an endpoint: the model a slot serves (and the table it was trained on), and
// the requests logged over a time window, as rows of a table (prediction_logs hold one row per request
// with its rows' feature values and predictions as JSON arrays).

const SCALAR_TYPE = /^(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL\(\d+,\d+\)|VARCHAR|DATE|TIMESTAMP|TIMESTAMP WITH TIME ZONE)$/;

export interface SlotModel {
  endpointId: string;
  modelVersionId: string;
  model: string;
  version: number;
  task: 'classification' | 'regression' | 'clustering';
  target: string;
  meta: ModelMeta;
  metrics: Record<string, unknown> | null;
  /** The table the model was trained on (a Parquet artifact), with its columns. */
  training: { hash: string; rows: number; columns: ColumnInfo[] } | undefined;
}

/** The model version an endpoint's slot serves. */
export async function slotModel(endpoint: string, slot: Slot): Promise<SlotModel> {
  const workspaceId = currentWorkspaceId();
  const db = getDb();
  const [ep] = await db
    .select({ id: endpoints.id, production: endpoints.modelVersionId, staging: endpoints.stagingModelVersionId })
    .from(endpoints)
    .where(and(eq(endpoints.workspaceId, workspaceId), eq(endpoints.name, endpoint)));
  if (!ep) throw notFound(`Endpoint "${endpoint}"`);
  const versionId = slot === 'production' ? ep.production : ep.staging;
  if (!versionId) throw notFound(`A model in the ${slot} slot of endpoint "${endpoint}"`);
  const [row] = await db
    .select({ v: modelVersions, name: models.name, training: artifacts })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .leftJoin(artifacts, eq(artifacts.hash, modelVersions.trainingArtifactHash))
    .where(eq(modelVersions.id, versionId));
  if (!row) throw notFound(`Model version ${versionId}`);
  const trainingMeta = (row.training?.meta ?? {}) as { rows?: number; columns?: ColumnInfo[] };
  return {
    endpointId: ep.id,
    modelVersionId: row.v.id,
    model: row.name,
    version: row.v.version,
    task: row.v.task,
    target: row.v.target,
    meta: row.v.meta as ModelMeta,
    metrics: (row.v.metrics as Record<string, unknown> | null) ?? null,
    training: row.training ? { hash: row.training.hash, rows: Number(trainingMeta.rows ?? 0), columns: trainingMeta.columns ?? [] } : undefined,
  };
}

export interface TrafficColumn {
  name: string;
  /** The DuckDB type the column gets in the table. */
  type: string;
}

/** A Postgres string literal (COPY takes no bind parameters; every value here is ours or checked). */
const pgLiteral = (v: string) => `'${v.replaceAll("'", "''")}'`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The longest the COPY of one window may take (the app's usual statement limit is for requests, not this). */
const COPY_TIMEOUT_MS = 10 * 60_000;

/**
 * Writes the logged rows of a slot since `since` to a Parquet file: one column per model feature and, when
 * `predictionColumn` is given, the predictions under that name (shadow predictions left out). Postgres expands
 * each request's JSON arrays into rows and streams them out as CSV (COPY), DuckDB types them: column types
 * follow `types` (the training table's, so a drift comparison sees the same kinds), else the model's feature
 * types. Values that do not fit the type become null (TRY_CAST): a monitor counts them as missing rather
 * than failing.
 */
export async function writeTrafficTable(opts: {
  model: SlotModel;
  slot: Slot;
  since: Date;
  predictionColumn?: string;
  types: ColumnInfo[];
  scratchDir: string;
  file: string;
}): Promise<{ requests: number; rows: number; columns: TrafficColumn[] }> {
  const { model } = opts;
  if (!UUID.test(model.endpointId)) throw new Error(`Not an endpoint id: ${model.endpointId}`);
  // Only plain scalar types are taken over (they are written into the SQL below).
  const typeOf = new Map(opts.types.filter((c) => SCALAR_TYPE.test(c.type)).map((c) => [c.name, c.type]));
  const columns: TrafficColumn[] = model.meta.features.map((f) => ({ name: f.name, type: typeOf.get(f.name) ?? (f.type === 'number' ? 'DOUBLE' : 'VARCHAR') }));
  const predicted = Boolean(opts.predictionColumn && !columns.some((c) => c.name === opts.predictionColumn));
  if (predicted) {
    const fallback = model.task === 'regression' ? 'DOUBLE' : model.task === 'clustering' ? 'INTEGER' : 'VARCHAR';
    columns.push({ name: opts.predictionColumn!, type: typeOf.get(opts.predictionColumn!) ?? fallback });
  }
  const window = `l.endpoint_id = ${pgLiteral(model.endpointId)} AND l.slot = ${pgLiteral(opts.slot === 'staging' ? 'staging' : 'production')}
      AND NOT l.shadow AND l.created_at >= ${pgLiteral(opts.since.toISOString())}`;
  const [counted] = await getDb().execute<{ requests: number }>(sql.raw(`SELECT count(*)::int AS requests FROM prediction_logs l WHERE ${window}`));
  const requests = Number(counted?.requests ?? 0);
  const values = model.meta.features.map((f) => `e.value->>${pgLiteral(f.name)}`);
  if (predicted) values.push(`l.outputs->'predictions'->>(e.idx - 1)::int`);
  const copy = `COPY (SELECT ${values.join(', ')} FROM prediction_logs l CROSS JOIN LATERAL jsonb_array_elements(l.inputs) WITH ORDINALITY AS e(value, idx)
      WHERE ${window}) TO STDOUT WITH (FORMAT csv)`;
  const csv = path.join(opts.scratchDir, 'traffic.csv');
  // A connection of its own for the COPY: a long stream out, under its own statement limit, off the app's pool.
  const conn = postgres(process.env.DATABASE_URL!, {
    max: 1,
    connect_timeout: Number(process.env.MILLRACE_PG_CONNECT_TIMEOUT_SECONDS ?? 5),
    connection: { statement_timeout: COPY_TIMEOUT_MS, application_name: 'millrace-endpoint-traffic' },
    onnotice: () => {},
  });
  try {
    await pipeline(await conn.unsafe(copy).readable(), createWriteStream(csv));
  } finally {
    await conn.end({ timeout: 5 });
  }
  let rows = 0;
  if (fs.statSync(csv).size > 0) {
    // Postgres writes null unquoted and empty, an empty text as "": read as such, every value as text first.
    const spec = `{${columns.map((c) => `${quoteLiteral(c.name)}: 'VARCHAR'`).join(', ')}}`;
    const select = columns.map((c) => `TRY_CAST(${quoteIdent(c.name)} AS ${c.type}) AS ${quoteIdent(c.name)}`).join(', ');
    rows = await withDuckDb(async (conn) => {
      await conn.run(
        `COPY (SELECT ${select} FROM read_csv(${quoteLiteral(csv)}, header = false, columns = ${spec}, quote = '"', escape = '"', allow_quoted_nulls = false, auto_detect = false))
         TO ${quoteLiteral(opts.file)} (FORMAT parquet)`,
      );
      const counted = await conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM read_parquet(${quoteLiteral(opts.file)})`);
      return Number(counted.getRowObjectsJS()[0]?.n ?? 0);
    });
  }
  return { requests, rows, columns };
}

/**
 * Logged predictions of a model version in a slot since `since` that got a true label (prediction_feedback),
 * one per request id and row (a request id logged twice counts its newest log).
 */
export async function labelledPredictions(model: SlotModel, slot: Slot, since: Date): Promise<{ label: unknown; prediction: unknown }[]> {
  const rows = await getDb().execute<{ label: unknown; prediction: unknown }>(sql`
    SELECT DISTINCT ON (f.request_id, f.row) f.label, l.outputs->'predictions'->f.row AS prediction
    FROM ${predictionFeedback} f
    JOIN ${predictionLogs} l ON l.endpoint_id = f.endpoint_id AND l.request_id = f.request_id
    WHERE f.endpoint_id = ${model.endpointId} AND l.model_version_id = ${model.modelVersionId}
      AND l.slot = ${slot} AND NOT l.shadow AND l.created_at >= ${since.toISOString()}
    ORDER BY f.request_id, f.row, l.id DESC`);
  return [...rows].filter((r) => r.prediction !== null && r.prediction !== undefined);
}
