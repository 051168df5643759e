import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { describeParquet, withDuckDb } from '../../../server/infra/duckdb';
import type { ArtifactRef } from '../../core/plan';
import { columnKind, type TableSchema } from '../../core/table-schema';
import {
  acceptsColumn,
  imputedType,
  MAX_ONEHOT_CATEGORIES,
  onehotColumnName,
  transformChainOf,
  transformSelectList,
  type EncodeSpec,
  type ImputeSpec,
  type ScaleSpec,
  type TransformSpec,
} from '../../core/transforms';
import type { StepContext } from './implement';
import { StepInputError } from './step-error';
import { quoteIdent, quoteLiteral, saveTable, tablePath } from './table-io';

// Fit/apply for the steps that learn from data (prepare.impute, prepare.encode, prepare.scale): the
// values are learned from the training table only, then the one learned spec is applied by DuckDB to
// the training table and to the paired table; the spec joins the chain carried in both outputs' metadata.

const source = (file: string) => `read_parquet(${quoteLiteral(file)})`;

async function rows(conn: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

function requireKind(schema: TableSchema, name: string, kind: Parameters<typeof acceptsColumn>[0], what: string) {
  const col = schema.find((c) => c.name === name);
  if (!col) throw new StepInputError(`Column "${name}" is not in the training table`);
  if (!acceptsColumn(kind, col.type)) throw new StepInputError(`Column "${name}" is ${col.type}: ${what}`);
  return col;
}

/** A value DuckDB wrote as text, back in the JSON type of its column. */
function typedValue(text: string, type: string): number | string | boolean {
  const kind = columnKind(type);
  if (kind === 'number') return Number(text);
  if (kind === 'boolean') return text === 'true';
  return text;
}

export async function learnImpute(
  file: string,
  schema: TableSchema,
  rules: { column: string; strategy: ImputeSpec['columns'][number]['strategy']; value?: string }[],
): Promise<ImputeSpec> {
  return withDuckDb(async (conn) => {
    const columns: ImputeSpec['columns'] = [];
    for (const rule of rules) {
      const numeric = rule.strategy === 'mean' || rule.strategy === 'median';
      const col = requireKind(schema, rule.column, numeric ? 'impute-number' : 'impute', numeric ? `a ${rule.strategy} needs numbers` : 'only numbers, text and true/false can be imputed');
      const q = quoteIdent(col.name);
      const type = imputedType(rule.strategy, col.type);
      let text: unknown;
      if (rule.strategy === 'constant') {
        if (rule.value === undefined) throw new StepInputError(`Column "${col.name}": the constant strategy needs a value`);
        [{ v: text } = { v: null }] = await rows(conn, `SELECT CAST(TRY_CAST(${quoteLiteral(rule.value)} AS ${type}) AS VARCHAR) AS v`);
        if (text === null) throw new StepInputError(`Column "${col.name}" is ${col.type}: the constant ${JSON.stringify(rule.value)} cannot be read as ${col.type}`);
      } else {
        const learn =
          rule.strategy === 'mean'
            ? `SELECT CAST(avg(CAST(${q} AS DOUBLE)) AS VARCHAR) AS v FROM ${source(file)}`
            : rule.strategy === 'median'
              ? `SELECT CAST(quantile_cont(CAST(${q} AS DOUBLE), 0.5) AS VARCHAR) AS v FROM ${source(file)}`
              : // The most frequent value; ties go to the smallest, as pandas' mode()[0].
                `SELECT CAST(${q} AS VARCHAR) AS v FROM ${source(file)} WHERE ${q} IS NOT NULL GROUP BY ${q} ORDER BY count(*) DESC, ${q} LIMIT 1`;
        [{ v: text } = { v: null }] = await rows(conn, learn);
        if (text === null) throw new StepInputError(`Column "${col.name}" has no values in the training table to learn a ${rule.strategy} from`);
      }
      columns.push({ name: col.name, strategy: rule.strategy, value: typedValue(String(text), type), type });
    }
    return { kind: 'impute', columns };
  });
}

export async function learnEncode(file: string, schema: TableSchema, names: string[], method: 'onehot' | 'ordinal'): Promise<EncodeSpec> {
  return withDuckDb(async (conn) => {
    const taken = new Set(schema.map((c) => c.name.toLowerCase()));
    const columns: EncodeSpec['columns'] = [];
    for (const name of names) {
      requireKind(schema, name, 'encode', 'encode text, whole numbers or true/false columns');
      const q = quoteIdent(name);
      // Sorted as text by code point (as Python sorts strings), so the codes match scikit-learn's encoders.
      const found = await rows(
        conn,
        `SELECT DISTINCT CAST(${q} AS VARCHAR) AS v FROM ${source(file)} WHERE ${q} IS NOT NULL ORDER BY v LIMIT ${MAX_ONEHOT_CATEGORIES + 1}`,
      );
      const categories = found.map((r) => String(r.v));
      if (method === 'ordinal') {
        columns.push({ name, method, categories: await allCategories(conn, file, q, categories) });
        continue;
      }
      if (categories.length > MAX_ONEHOT_CATEGORIES) {
        throw new StepInputError(`Column "${name}" has more than ${MAX_ONEHOT_CATEGORIES} distinct values: one-hot would make too many columns; use ordinal`);
      }
      taken.delete(name.toLowerCase());
      const outputs = categories.map((cat) => onehotColumnName(name, cat));
      for (const out of outputs) {
        // DuckDB compares column names case-insensitively.
        if (taken.has(out.toLowerCase())) throw new StepInputError(`One-hot column "${out}" (from "${name}") would clash with another column of that name`);
        taken.add(out.toLowerCase());
      }
      columns.push({ name, method, categories, outputs });
    }
    return { kind: 'encode', columns };
  });
}

async function allCategories(conn: DuckDBConnection, file: string, q: string, first: string[]): Promise<string[]> {
  if (first.length <= MAX_ONEHOT_CATEGORIES) return first;
  const all = await rows(conn, `SELECT DISTINCT CAST(${q} AS VARCHAR) AS v FROM ${source(file)} WHERE ${q} IS NOT NULL ORDER BY v`);
  return all.map((r) => String(r.v));
}

export async function learnScale(file: string, schema: TableSchema, names: string[], method: 'standard' | 'minmax'): Promise<ScaleSpec> {
  return withDuckDb(async (conn) => {
    const columns: ScaleSpec['columns'] = [];
    for (const name of names) {
      requireKind(schema, name, 'scale', 'only numbers can be scaled');
      const x = `CAST(${quoteIdent(name)} AS DOUBLE)`;
      const stats =
        method === 'standard' ? `avg(${x}) AS center, stddev_pop(${x}) AS spread` : `min(${x}) AS center, max(${x}) - min(${x}) AS spread`;
      const [r] = await rows(conn, `SELECT ${stats} FROM ${source(file)}`);
      if (r?.center === null || r?.center === undefined) throw new StepInputError(`Column "${name}" has no values in the training table to learn a scale from`);
      const spread = Number(r.spread);
      // A constant column is shifted, not divided by zero (as scikit-learn does).
      columns.push({ name, method, center: Number(r.center), scale: spread > 0 && Number.isFinite(spread) ? spread : 1 });
    }
    return { kind: 'scale', columns };
  });
}

/** Writes `file` with `spec` applied (DuckDB, in one COPY). */
export async function applyTransformFile(spec: TransformSpec, file: string, schema: TableSchema, out: string): Promise<void> {
  await withDuckDb((conn) =>
    conn.run(`COPY (SELECT ${transformSelectList(spec, schema)} FROM ${source(file)}) TO ${quoteLiteral(out)} (FORMAT parquet)`),
  );
}

/**
 * The fit/apply step: learn from `train`, apply to `train` and to `apply` (when connected), and record the
 * learned spec after the chain the training table already carried.
 */
export async function runLearnedTransform(
  inputs: { train: ArtifactRef; apply?: ArtifactRef },
  ctx: StepContext,
  learn: (file: string, schema: TableSchema) => Promise<TransformSpec>,
) {
  const trainFile = await tablePath(inputs.train);
  const { rows: trainRows, columns } = await describeParquet(trainFile);
  if (trainRows === 0) throw new StepInputError('The training table has no rows to learn from');
  const spec = await learn(trainFile, columns);
  ctx.progress(`learned ${spec.kind} for ${spec.columns.length} column(s) from ${trainRows} training rows`);
  const chain = [...transformChainOf(inputs.train.meta), spec];

  const write = async (input: ArtifactRef, name: string) => {
    const file = await tablePath(input);
    const schema = file === trainFile ? columns : (await describeParquet(file)).columns;
    const missing = spec.columns.find((c) => !schema.some((s) => s.name === c.name));
    if (missing) throw new StepInputError(`Column "${missing.name}" is not in the ${name} table`);
    const out = path.join(ctx.scratchDir, `${name}.parquet`);
    await applyTransformFile(spec, file, schema, out).catch((err: unknown) => {
      throw new StepInputError(`Could not apply the learned ${spec.kind} to the ${name} table: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    });
    const saved = await saveTable(out);
    return { ref: { kind: 'table', hash: saved.hash, meta: { ...saved.meta, transforms: chain } } satisfies ArtifactRef, rows: saved.rows };
  };
  const train = await write(inputs.train, 'train');
  const applied = inputs.apply ? await write(inputs.apply, 'apply') : undefined;
  return {
    outputs: applied ? { train: train.ref, applied: applied.ref } : { train: train.ref },
    summary: {
      trainRows,
      appliedRows: applied?.rows ?? null,
      learned: learnedTable(spec),
    },
  };
}

/** The learned values as a run-page table. */
function learnedTable(spec: TransformSpec) {
  const rows: (string | number | boolean | null)[][] =
    spec.kind === 'impute'
      ? spec.columns.map((c) => [c.name, c.strategy, c.value])
      : spec.kind === 'scale'
        ? spec.columns.map((c) => [c.name, c.method, c.center, c.scale])
        : spec.columns.map((c) => [c.name, c.method, c.categories.length, c.categories.slice(0, 10).join(', ') + (c.categories.length > 10 ? ', …' : '')]);
  const columns =
    spec.kind === 'impute' ? ['column', 'strategy', 'fill value'] : spec.kind === 'scale' ? ['column', 'method', 'center', 'scale'] : ['column', 'method', 'categories', 'first categories'];
  return { $visual: 'table', title: 'Learned from the training table', columns, rows: rows.slice(0, 50) };
}
