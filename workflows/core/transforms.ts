import { z } from 'zod';
import { columnKind, type TableSchema } from './table-schema';

// Learned transforms (impute, encode, scale): what a prepare step learned from its training table, as
// plain data. The same spec is applied three ways and must agree: as DuckDB SQL to the training table,
// as the same SQL to the table it is paired with (the test table), and row by row to raw rows sent to a
// prediction endpoint. Each step appends its spec to the chain carried in its output tables' metadata;
// a train step stores the chain of its training table with the model version, and the endpoint replays
// it on every request before scoring. Isomorphic: no Node APIs.

const fill = z.union([z.number(), z.string(), z.boolean()]);

const imputeSpec = z.object({
  kind: z.literal('impute'),
  columns: z.array(
    z.object({
      name: z.string(),
      strategy: z.enum(['mean', 'median', 'mode', 'constant']),
      /** The learned (or given) value that replaces a missing one. */
      value: fill,
      /** The column's DuckDB type after the transform (DOUBLE for mean and median). */
      type: z.string(),
    }),
  ),
});

const encodeSpec = z.object({
  kind: z.literal('encode'),
  columns: z.array(
    z.object({
      name: z.string(),
      method: z.enum(['onehot', 'ordinal']),
      /** The training table's distinct values (as text), sorted; a value's code is its index. */
      categories: z.array(z.string()),
      /** One-hot: the indicator column of each category, in the same order. */
      outputs: z.array(z.string()).optional(),
    }),
  ),
});

const scaleSpec = z.object({
  kind: z.literal('scale'),
  columns: z.array(
    z.object({
      name: z.string(),
      method: z.enum(['standard', 'minmax']),
      /** value ↦ (value − center) / scale: mean and standard deviation, or minimum and range. */
      center: z.number(),
      scale: z.number(),
    }),
  ),
});

export const transformSpecSchema = z.discriminatedUnion('kind', [imputeSpec, encodeSpec, scaleSpec]);
export type TransformSpec = z.infer<typeof transformSpecSchema>;
export type ImputeSpec = z.infer<typeof imputeSpec>;
export type EncodeSpec = z.infer<typeof encodeSpec>;
export type ScaleSpec = z.infer<typeof scaleSpec>;

export const transformChainSchema = z.array(transformSpecSchema);
export type TransformChain = TransformSpec[];

/** The chain recorded in a table's (or a model version's) metadata; [] when there is none or it is unreadable. */
export function transformChainOf(meta: Record<string, unknown> | null | undefined): TransformChain {
  const parsed = transformChainSchema.safeParse(meta?.transforms);
  return parsed.success ? parsed.data : [];
}

/** Indicator columns are INTEGER 0/1; ordinal codes are INTEGER (−1 for a value not seen in training). */
export const ENCODED_TYPE = 'INTEGER';
export const UNSEEN_CODE = -1;
/** A one-hot column with more distinct values than this is refused (use ordinal). */
export const MAX_ONEHOT_CATEGORIES = 100;

/** One-hot indicator column name for a category, as pandas.get_dummies names it. */
export function onehotColumnName(column: string, category: string): string {
  return `${column}_${category}`;
}

// ------------------------------------------------------------------ SQL

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const text = (value: string) => `'${value.replaceAll("'", "''")}'`;
/** A typed literal through DuckDB's own parser: a number's shortest JavaScript form reads back as the same double. */
const literal = (value: number | string | boolean, type: string) => `CAST(${text(String(value))} AS ${type})`;

function columnExpressions(spec: TransformSpec, name: string): string[] | undefined {
  const q = ident(name);
  if (spec.kind === 'impute') {
    const c = spec.columns.find((x) => x.name === name);
    if (!c) return undefined;
    return [`coalesce(CAST(${q} AS ${c.type}), ${literal(c.value, c.type)}) AS ${q}`];
  }
  if (spec.kind === 'scale') {
    const c = spec.columns.find((x) => x.name === name);
    if (!c) return undefined;
    return [`(CAST(${q} AS DOUBLE) - ${literal(c.center, 'DOUBLE')}) / ${literal(c.scale, 'DOUBLE')} AS ${q}`];
  }
  const c = spec.columns.find((x) => x.name === name);
  if (!c) return undefined;
  const v = `CAST(${q} AS VARCHAR)`;
  if (c.method === 'ordinal') {
    const cases = c.categories.map((cat, i) => `WHEN ${text(cat)} THEN ${i}`).join(' ');
    const body = cases ? `CASE ${v} ${cases} ELSE ${UNSEEN_CODE} END` : `${UNSEEN_CODE}`;
    return [`CAST(CASE WHEN ${q} IS NULL THEN NULL ELSE ${body} END AS ${ENCODED_TYPE}) AS ${q}`];
  }
  // Missing and unseen values get 0 in every indicator.
  return c.categories.map((cat, i) => `CAST(coalesce(${v} = ${text(cat)}, false) AS ${ENCODED_TYPE}) AS ${ident(c.outputs![i]!)}`);
}

/** The SELECT list that applies `spec` to a table with `schema`'s columns, keeping column order. */
export function transformSelectList(spec: TransformSpec, schema: TableSchema): string {
  return schema.flatMap((col) => columnExpressions(spec, col.name) ?? [ident(col.name)]).join(', ');
}

/** The columns after applying `spec` (the output schema the step promises). */
export function transformSchema(spec: TransformSpec, schema: TableSchema): TableSchema {
  return schema.flatMap((col) => {
    if (spec.kind === 'impute') {
      const c = spec.columns.find((x) => x.name === col.name);
      return [c ? { name: col.name, type: c.type } : col];
    }
    if (spec.kind === 'scale') return [spec.columns.some((x) => x.name === col.name) ? { name: col.name, type: 'DOUBLE' } : col];
    const c = spec.columns.find((x) => x.name === col.name);
    if (!c) return [col];
    if (c.method === 'ordinal') return [{ name: col.name, type: ENCODED_TYPE }];
    return c.outputs!.map((name) => ({ name, type: ENCODED_TYPE }));
  });
}

/** The type a column has after imputing with `strategy` (mean and median produce fractions). */
export function imputedType(strategy: ImputeSpec['columns'][number]['strategy'], type: string): string {
  return strategy === 'mean' || strategy === 'median' ? 'DOUBLE' : type;
}

/** Which column kinds each learned transform accepts. */
export function acceptsColumn(kind: 'impute-number' | 'impute' | 'encode' | 'scale', type: string): boolean {
  const k = columnKind(type);
  if (kind === 'impute-number' || kind === 'scale') return k === 'number';
  if (kind === 'impute') return k === 'number' || k === 'text' || k === 'boolean';
  // Categories are compared as text: integers, text and booleans print the same in DuckDB and JavaScript.
  return k === 'text' || k === 'boolean' || /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/i.test(type.trim());
}

// ------------------------------------------------------------------ one row at a time

type Row = Record<string, unknown>;

const isMissing = (v: unknown) => v === null || v === undefined;

/** A number from a request value (number, bigint or numeric text), or undefined when it is not one. */
function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Text as DuckDB's CAST(… AS VARCHAR) writes integers, text and booleans. */
const asText = (v: unknown) => String(v);

/**
 * Applies one spec to one row, returning a new row (the input is not changed). A value the spec cannot
 * read (text where a number belongs) is left as it is, so the scorer's validation reports it.
 */
export function applyTransformToRow(spec: TransformSpec, row: Row): Row {
  const out: Row = { ...row };
  if (spec.kind === 'impute') {
    for (const c of spec.columns) {
      const v = row[c.name];
      if (isMissing(v)) out[c.name] = c.value;
      else if (c.type === 'DOUBLE') out[c.name] = asNumber(v) ?? v;
    }
    return out;
  }
  if (spec.kind === 'scale') {
    for (const c of spec.columns) {
      const v = row[c.name];
      if (isMissing(v)) {
        out[c.name] = null;
        continue;
      }
      const n = asNumber(v);
      out[c.name] = n === undefined ? v : (n - c.center) / c.scale;
    }
    return out;
  }
  for (const c of spec.columns) {
    const v = row[c.name];
    if (c.method === 'ordinal') {
      out[c.name] = isMissing(v) ? null : indexOf(c.categories, asText(v));
      continue;
    }
    delete out[c.name];
    const hit = isMissing(v) ? -1 : c.categories.indexOf(asText(v));
    c.outputs!.forEach((name, i) => (out[name] = i === hit ? 1 : 0));
  }
  return out;
}

function indexOf(categories: string[], value: string): number {
  const i = categories.indexOf(value);
  return i < 0 ? UNSEEN_CODE : i;
}

/** Applies a whole chain, in order, to raw rows. Rows that are not objects pass through for validation to report. */
export function applyChainToRows(chain: TransformChain, rows: unknown[]): unknown[] {
  if (chain.length === 0 || !Array.isArray(rows)) return rows;
  return rows.map((row) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) return row;
    let r = row as Row;
    for (const spec of chain) r = applyTransformToRow(spec, r);
    return r;
  });
}

/** The raw columns a request must carry for a model whose features are `features` after `chain` (one-hot columns map back to their source). */
export function requestColumns(chain: TransformChain, features: string[]): string[] {
  let names = features;
  for (const spec of [...chain].reverse()) {
    if (spec.kind !== 'encode') continue;
    const source = new Map(spec.columns.flatMap((c) => (c.outputs ?? []).map((o) => [o, c.name] as const)));
    names = [...new Set(names.map((n) => source.get(n) ?? n))];
  }
  return names;
}

/**
 * Raw rows that lack one of the request columns (a missing value is sent as null, as for any endpoint),
 * as the scorer words it: without this a one-hot column would be reported by its indicator names.
 */
export function missingRequestColumns(columns: string[], rows: unknown[], max = 20): { row: number; feature: string; message: string }[] {
  const issues: { row: number; feature: string; message: string }[] = [];
  if (!Array.isArray(rows)) return issues;
  for (let i = 0; i < rows.length && issues.length < max; i++) {
    const row = rows[i];
    if (row === null || typeof row !== 'object' || Array.isArray(row)) continue;
    for (const c of columns) if (!(c in row) && issues.length < max) issues.push({ row: i, feature: c, message: 'missing (use null for an unknown value)' });
  }
  return issues;
}
