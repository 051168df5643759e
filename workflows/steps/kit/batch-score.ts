import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral, withDuckDb } from '../../../server/infra/duckdb';
import type { ModelMeta } from '../../../server/infra/fitter';
import { scoreColumns, ScoreInputError, type LoadedModel } from '../../../server/infra/scorer';
import { columnKind, listColumns, type TableSchema } from '../../core/table-schema';
import { requestColumns, transformChainOf, transformSchema, transformSelectList, type TransformChain } from '../../core/transforms';
import { PREDICTION_SUFFIXES, PROBABILITIES_TYPE, predictionPrefix } from '../deploy.batch_score/definition';
import { StepInputError } from './step-error';

// Scoring a whole table with one loaded model (deploy.batch_score): DuckDB streams the feature columns
// (after the model's learned transforms, in SQL), onnxruntime scores them a batch at a time through the
// endpoint's scorer, and the predictions are appended to a table DuckDB then joins back to the input by
// position and writes as Parquet. Memory holds one batch of features, never the whole table in JavaScript.

/** Rows per scoring call: one session.run each (the scorer's own batch size). */
export const SCORE_BATCH = 20_000;

/**
 * The transforms still to apply to a table before the model can score it: the model's whole chain for a
 * raw table, the rest of it for a table that went through its first steps, none for one that went
 * through all of them (e.g. the test table split beside the training table). Anything else is refused.
 */
export function pendingTransforms(modelChain: TransformChain, tableMeta: Record<string, unknown> | undefined): TransformChain {
  const tableChain = transformChainOf(tableMeta);
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (tableChain.length <= modelChain.length && tableChain.every((spec, i) => same(spec, modelChain[i]))) return modelChain.slice(tableChain.length);
  throw new StepInputError(
    `The table went through learned transforms (${tableChain.map((s) => s.kind).join(', ')}) other than the model's ` +
      `(${modelChain.map((s) => s.kind).join(', ') || 'none'}): score the raw table, or the table the model's training data was prepared with`,
  );
}

export interface BatchScoreResult {
  rows: number;
  /** The prefix of the added columns (another than asked when the table has columns of those names). */
  prefix: string;
  /** Predicted class (or cluster) → rows, for classification and clustering. */
  counts?: Record<string, number>;
  /** Regression: the predicted values' range and mean. */
  values?: { min: number; max: number; mean: number };
}

async function schemaOf(conn: DuckDBConnection, sql: string): Promise<TableSchema> {
  const r = await conn.runAndReadAll(`DESCRIBE ${sql}`);
  return r.getRowObjectsJS().map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
}

/** The features each as the scorer takes them: numbers as DOUBLE, text as VARCHAR; refuses a missing or mistyped column. */
function featureSelect(meta: ModelMeta, raw: TableSchema, transformed: TableSchema, chain: TransformChain): string {
  const names = meta.features.map((f) => f.name);
  const rawNames = new Set(raw.map((c) => c.name));
  const missing = requestColumns(chain, names).filter((n) => !rawNames.has(n));
  if (missing.length) {
    throw new StepInputError(
      `The table lacks the model's feature column${missing.length > 1 ? 's' : ''} ${missing.map((n) => `"${n}"`).join(', ')} (columns: ${listColumns(raw)})`,
    );
  }
  return meta.features
    .map((f, i) => {
      const col = transformed.find((c) => c.name === f.name);
      if (!col) throw new StepInputError(`Feature "${f.name}" is not in the table after the model's transforms (columns: ${listColumns(transformed)})`);
      const kind = columnKind(col.type);
      if (f.type === 'number' && kind !== 'number' && kind !== 'boolean') {
        throw new StepInputError(`Feature "${f.name}" is ${col.type} in the table; the model takes numbers`);
      }
      return `CAST(${quoteIdent(f.name)} AS ${f.type === 'number' ? 'DOUBLE' : 'VARCHAR'}) AS f${i}`;
    })
    .join(', ');
}

/** Scores every row of the Parquet file `file` with `model` and writes the input's columns plus the predictions to `out`. */
export async function batchScore(args: {
  file: string;
  out: string;
  model: LoadedModel;
  /** The learned transforms to apply first (see pendingTransforms). */
  chain: TransformChain;
  prefix: string;
  progress?(scored: number): void;
}): Promise<BatchScoreResult> {
  const { meta } = args.model;
  const source = `SELECT * FROM read_parquet(${quoteLiteral(args.file)})`;
  const classes = meta.task === 'classification' ? (meta.classes ?? []) : [];
  const withProbabilities = meta.task === 'classification' && Boolean(meta.outputs.probabilities) && classes.length > 0;
  return withDuckDb((reader) =>
    withDuckDb(async (writer) => {
      const raw = await schemaOf(reader, source);
      let query = source;
      let transformed = raw;
      for (const spec of args.chain) {
        query = `SELECT ${transformSelectList(spec, transformed)} FROM (${query})`;
        transformed = transformSchema(spec, transformed);
      }
      const features = featureSelect(meta, raw, transformed, args.chain);
      const prefix = predictionPrefix(
        args.prefix,
        raw.map((c) => c.name),
      );

      const probColumns = withProbabilities ? classes.map((_, j) => `, p${j} DOUBLE`).join('') : '';
      await writer.run(`CREATE OR REPLACE TEMP TABLE scored (label VARCHAR, value DOUBLE${probColumns})`);
      const appender = await writer.createAppender('scored', 'main', 'temp');
      const counts = new Map<string, number>();
      let rows = 0;
      let sum = 0;
      let min = Infinity;
      let max = -Infinity;

      const flush = async (columns: unknown[][]) => {
        const n = columns[0]?.length ?? 0;
        if (n === 0) return;
        const byName = Object.fromEntries(meta.features.map((f, i) => [f.name, columns[i]!]));
        const result = await scoreColumns(args.model, byName).catch((err: unknown) => {
          if (err instanceof ScoreInputError) throw new StepInputError(err.message.replace(/row (\d+)/g, (_, r: string) => `row ${rows + Number(r)}`));
          throw err;
        });
        for (let i = 0; i < n; i++) {
          const p = result.predictions[i]!;
          if (meta.task === 'regression') {
            appender.appendNull();
            const v = Number(p);
            appender.appendDouble(v);
            sum += v;
            if (v < min) min = v;
            if (v > max) max = v;
          } else {
            const label = String(p);
            appender.appendVarchar(label);
            counts.set(label, (counts.get(label) ?? 0) + 1);
            const probs = result.probabilities?.[i];
            if (meta.task === 'clustering') appender.appendDouble(Number(p));
            else if (probs && label in probs) appender.appendDouble(probs[label]!);
            else appender.appendNull();
          }
          if (withProbabilities) {
            const probs = result.probabilities?.[i];
            for (const c of classes) {
              const v = probs?.[c];
              if (v === undefined) appender.appendNull();
              else appender.appendDouble(v);
            }
          }
          appender.endRow();
        }
        rows += n;
        args.progress?.(rows);
      };

      const stream = await reader.stream(`SELECT ${features} FROM (${query})`);
      let pending: unknown[][] = meta.features.map(() => []);
      for (;;) {
        const chunk = await stream.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const columns = chunk.getColumns();
        columns.forEach((values, i) => {
          const into = pending[i]!;
          for (const v of values) into.push(v);
        });
        if ((pending[0]?.length ?? 0) >= SCORE_BATCH) {
          await flush(pending);
          pending = meta.features.map(() => []);
        }
      }
      await flush(pending);
      appender.flushSync();
      appender.closeSync();

      const map = withProbabilities
        ? `CAST(MAP([${classes.map(quoteLiteral).join(', ')}], [${classes.map((_, j) => `s.p${j}`).join(', ')}]) AS ${PROBABILITIES_TYPE})`
        : `CAST(NULL AS ${PROBABILITIES_TYPE})`;
      await writer.run(
        `COPY (SELECT t.*, s.label AS ${quoteIdent(prefix + PREDICTION_SUFFIXES.label)}, s.value AS ${quoteIdent(prefix + PREDICTION_SUFFIXES.value)}, ` +
          `${map} AS ${quoteIdent(prefix + PREDICTION_SUFFIXES.probabilities)} ` +
          `FROM read_parquet(${quoteLiteral(args.file)}) t POSITIONAL JOIN scored s) TO ${quoteLiteral(args.out)} (FORMAT parquet)`,
      );
      await writer.run('DROP TABLE scored');
      return {
        rows,
        prefix,
        ...(meta.task === 'regression'
          ? rows
            ? { values: { min, max, mean: sum / rows } }
            : {}
          : { counts: Object.fromEntries([...counts].sort((a, b) => b[1] - a[1])) }),
      };
    }),
  );
}
