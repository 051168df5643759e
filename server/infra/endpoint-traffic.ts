import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { and, asc, eq, gt, gte, min, sql } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { artifacts, endpoints, models, modelVersions, predictionFeedback, predictionLogs } from '../../db/schema';
import { withDuckDb, quoteIdent, quoteLiteral, type ColumnInfo } from './duckdb';
import { notFound } from './errors';
import type { ModelMeta } from './fitter';
import type { Slot } from './model-registry';
import { defaultWorkspaceId } from './workspace';

// What monitoring reads of an endpoint: the model a slot serves (and the table it was trained on), and
// the requests logged over a time window, as rows of a table (prediction_logs hold one row per request
// with its rows' feature values and predictions as JSON arrays).

const PAGE = 2000;
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
  const workspaceId = await defaultWorkspaceId();
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

export interface LoggedRequest {
  id: number;
  requestId: string | null;
  inputs: Record<string, unknown>[];
  predictions: unknown[];
  createdAt: Date;
}

/** The requests a slot answered since `since`, oldest first, a page at a time (shadow predictions left out). */
export async function* loggedRequests(endpointId: string, slot: Slot, since: Date): AsyncGenerator<LoggedRequest> {
  const db = getDb();
  // Paged by id from the first log in the window (found on the endpoint-and-time index), so each page is
  // a short walk of the primary key rather than a sort of the whole window.
  const [first] = await db
    .select({ id: min(predictionLogs.id) })
    .from(predictionLogs)
    .where(and(eq(predictionLogs.endpointId, endpointId), gte(predictionLogs.createdAt, since)));
  if (first?.id === null || first?.id === undefined) return;
  let after = Number(first.id) - 1;
  for (;;) {
    const page = await db
      .select({ id: predictionLogs.id, requestId: predictionLogs.requestId, inputs: predictionLogs.inputs, outputs: predictionLogs.outputs, createdAt: predictionLogs.createdAt })
      .from(predictionLogs)
      .where(
        and(
          eq(predictionLogs.endpointId, endpointId),
          eq(predictionLogs.slot, slot),
          eq(predictionLogs.shadow, false),
          gte(predictionLogs.createdAt, since),
          gt(predictionLogs.id, after),
        ),
      )
      .orderBy(asc(predictionLogs.id))
      .limit(PAGE);
    for (const r of page) {
      const outputs = (r.outputs ?? {}) as { predictions?: unknown[] };
      yield { id: r.id, requestId: r.requestId, inputs: (r.inputs ?? []) as Record<string, unknown>[], predictions: outputs.predictions ?? [], createdAt: r.createdAt };
    }
    if (page.length < PAGE) return;
    after = page.at(-1)!.id;
  }
}

export interface TrafficColumn {
  name: string;
  /** The DuckDB type the column gets in the table. */
  type: string;
}

/**
 * Writes the logged rows of a slot since `since` to a Parquet file: one column per model feature and, when
 * `predictionColumn` is given, the predictions under that name. Column types follow `types` (the training
 * table's, so a drift comparison sees the same kinds), else the model's feature types. Values that do not
 * fit the type become null (TRY_CAST): a monitor counts them as missing rather than failing.
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
  // Only plain scalar types are taken over (they are written into the SQL below).
  const typeOf = new Map(opts.types.filter((c) => SCALAR_TYPE.test(c.type)).map((c) => [c.name, c.type]));
  const columns: TrafficColumn[] = model.meta.features.map((f) => ({ name: f.name, type: typeOf.get(f.name) ?? (f.type === 'number' ? 'DOUBLE' : 'VARCHAR') }));
  if (opts.predictionColumn && !columns.some((c) => c.name === opts.predictionColumn)) {
    const fallback = model.task === 'regression' ? 'DOUBLE' : model.task === 'clustering' ? 'INTEGER' : 'VARCHAR';
    columns.push({ name: opts.predictionColumn, type: typeOf.get(opts.predictionColumn) ?? fallback });
  }
  // Every value as text (or null) in NDJSON, typed by DuckDB below: JSON has no types to trust here.
  const ndjson = `${opts.scratchDir}/traffic.ndjson`;
  const out = createWriteStream(ndjson);
  let requests = 0;
  let rows = 0;
  const text = (v: unknown) => (v === null || v === undefined ? null : typeof v === 'object' ? JSON.stringify(v) : String(v));
  for await (const req of loggedRequests(model.endpointId, opts.slot, opts.since)) {
    requests++;
    for (let i = 0; i < req.inputs.length; i++) {
      const input = req.inputs[i] ?? {};
      const line: Record<string, string | null> = {};
      for (const c of columns) line[c.name] = text(c.name === opts.predictionColumn ? req.predictions[i] : input[c.name]);
      rows++;
      if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
  if (rows > 0) {
    const spec = `{${columns.map((c) => `${quoteLiteral(c.name)}: 'VARCHAR'`).join(', ')}}`;
    const select = columns.map((c) => `TRY_CAST(${quoteIdent(c.name)} AS ${c.type}) AS ${quoteIdent(c.name)}`).join(', ');
    await withDuckDb((conn) =>
      conn.run(
        `COPY (SELECT ${select} FROM read_json(${quoteLiteral(ndjson)}, format = 'newline_delimited', columns = ${spec})) TO ${quoteLiteral(opts.file)} (FORMAT parquet)`,
      ),
    );
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
