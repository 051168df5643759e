// Scoring in Node with onnxruntime-node on the ONNX files written by workflows/ml/fit.py.
// The graph carries the whole pipeline (imputation, encoding, scaling), so it takes raw columns:
// one [N,1] input per feature — float32 (missing = NaN) or string (missing = "").
import * as ort from 'onnxruntime-node';
import type { ModelMeta } from './fitter';

export interface LoadedModel {
  session: ort.InferenceSession;
  meta: ModelMeta;
  onnxPath: string;
}

export interface ScoreResult {
  /** Class names for classification, numbers for regression, cluster numbers for clustering. */
  predictions: (string | number)[];
  /** Classification only: class name -> probability, per row. */
  probabilities?: Record<string, number>[];
}

/** A problem with one row (and usually one feature) of the input. */
export interface RowIssue {
  row: number;
  feature?: string;
  message: string;
}

/** Something scored but worth knowing, e.g. a category the model never saw in training. */
export interface RowWarning {
  row: number;
  feature: string;
  message: string;
}

export type ValidateResult =
  | { ok: true; rows: Record<string, unknown>[]; warnings: RowWarning[]; warningsOmitted: number }
  | { ok: false; errors: string[]; issues: RowIssue[] };

/** The largest magnitude a float32 holds; the graph's number inputs are float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Rows per session.run call. */
const BATCH = 20_000;
const MAX_ERRORS = 20;
const MAX_WARNINGS = 100;

export async function loadModel(onnxPath: string, meta: ModelMeta): Promise<LoadedModel> {
  const session = await ort.InferenceSession.create(onnxPath);
  const inputs = new Set(session.inputNames);
  const missing = meta.features.filter((f) => !inputs.has(f.input)).map((f) => f.input);
  if (missing.length || inputs.size !== meta.features.length) {
    await session.release().catch(() => {});
    throw new Error(
      `${onnxPath} does not match its metadata: graph inputs [${session.inputNames.join(', ')}], ` +
        `metadata inputs [${meta.features.map((f) => f.input).join(', ')}]`,
    );
  }
  for (const out of [meta.outputs.label, meta.outputs.probabilities]) {
    if (out && !session.outputNames.includes(out)) {
      await session.release().catch(() => {});
      throw new Error(`${onnxPath} has no output "${out}" (outputs: ${session.outputNames.join(', ')})`);
    }
  }
  return { session, meta, onnxPath };
}

export async function releaseModel(model: LoadedModel): Promise<void> {
  await model.session.release();
}

// ------------------------------------------------------------------ value coercion

type Coerced<T> = { ok: true; value: T } | { ok: false; why: string };

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a date';
  if (typeof v === 'object') return v === null ? 'null' : 'an object';
  return String(v);
}

function inFloat32Range(n: number, shown: string): Coerced<number> {
  if (Math.abs(n) <= FLOAT32_MAX) return { ok: true, value: n };
  return { ok: false, why: `${shown} is outside the model's input range (float32: at most ±${FLOAT32_MAX})` };
}

/**
 * number feature: number | bigint | numeric string | null/undefined/NaN (missing) → number (NaN = missing).
 * Infinities and magnitudes beyond float32 are refused rather than silently becoming ±Infinity.
 */
function toNumber(v: unknown): Coerced<number> {
  if (v === null || v === undefined) return { ok: true, value: NaN };
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return { ok: true, value: v };
    if (!Number.isFinite(v)) return { ok: false, why: `expected a finite number, got ${v}` };
    return inFloat32Range(v, String(v));
  }
  if (typeof v === 'bigint') return inFloat32Range(Number(v), `${v}`.length > 40 ? `${`${v}`.slice(0, 40)}…` : `${v}`);
  if (typeof v === 'string') {
    const t = v.trim();
    const n = t === '' ? NaN : Number(t);
    if (Number.isFinite(n)) return inFloat32Range(n, describe(v));
    return { ok: false, why: `expected a number, got ${describe(v)}` };
  }
  return { ok: false, why: `expected a number, got ${describe(v)}` };
}

/** string feature: string | number | bigint | boolean | null/undefined (missing) → string ("" = missing). */
function toText(v: unknown): Coerced<string> {
  if (v === null || v === undefined) return { ok: true, value: '' };
  if (typeof v === 'string') return { ok: true, value: v };
  if (typeof v === 'number') return { ok: true, value: Number.isNaN(v) ? '' : String(v) };
  if (typeof v === 'bigint' || typeof v === 'boolean') return { ok: true, value: String(v) };
  return { ok: false, why: `expected text, got ${describe(v)}` };
}

// ------------------------------------------------------------------ validation

// Known categories per text feature, as sets, once per loaded metadata object.
const knownCategories = new WeakMap<ModelMeta, Map<string, Set<string>>>();

function categorySets(meta: ModelMeta): Map<string, Set<string>> {
  let sets = knownCategories.get(meta);
  if (!sets) {
    sets = new Map();
    for (const f of meta.features) if (f.type === 'string' && f.categories) sets.set(f.name, new Set(f.categories));
    knownCategories.set(meta, sets);
  }
  return sets;
}

function unknownCategoryMessage(value: string, known: Set<string>): string {
  const list = [...known];
  const shown = list.slice(0, 10).map((c) => JSON.stringify(c)).join(', ') + (list.length > 10 ? `, … (${list.length} in all)` : '');
  return `unknown category ${describe(value)} (the model was trained on ${shown}); the feature is ignored for this row`;
}

/**
 * Checks rows for scoring: each must be an object holding every feature (by its original column
 * name; null = missing, imputed by the model). Number features take numbers (or numeric strings /
 * bigints) within float32 range; text features take strings, numbers or booleans. Extra keys are
 * ignored. A text value the model never saw in training is scored, and reported as a warning.
 */
export function validateRows(meta: ModelMeta, rows: unknown[]): ValidateResult {
  const issues: RowIssue[] = [];
  const warnings: RowWarning[] = [];
  let warningsOmitted = 0;
  if (!Array.isArray(rows)) return { ok: false, errors: ['rows must be an array of objects'], issues: [{ row: 0, message: 'rows must be an array of objects' }] };
  const categories = categorySets(meta);
  for (let i = 0; i < rows.length && issues.length < MAX_ERRORS; i++) {
    const row = rows[i];
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      issues.push({ row: i, message: `expected an object of feature values, got ${describe(row)}` });
      continue;
    }
    const r = row as Record<string, unknown>;
    for (const f of meta.features) {
      if (!(f.name in r)) {
        issues.push({ row: i, feature: f.name, message: 'missing (use null for an unknown value)' });
        continue;
      }
      if (f.type === 'number') {
        const c = toNumber(r[f.name]);
        if (!c.ok) issues.push({ row: i, feature: f.name, message: c.why });
        continue;
      }
      const c = toText(r[f.name]);
      if (!c.ok) {
        issues.push({ row: i, feature: f.name, message: c.why });
        continue;
      }
      const known = categories.get(f.name);
      if (known && c.value !== meta.missingText && !known.has(c.value)) {
        if (warnings.length < MAX_WARNINGS) warnings.push({ row: i, feature: f.name, message: unknownCategoryMessage(c.value, known) });
        else warningsOmitted++;
      }
    }
  }
  if (!issues.length) return { ok: true, rows: rows as Record<string, unknown>[], warnings, warningsOmitted };
  const errors = issues.map((e) => (e.feature === undefined ? `row ${e.row}: ${e.message}` : `row ${e.row}: feature "${e.feature}": ${e.message}`));
  if (issues.length >= MAX_ERRORS) errors.push('(more errors not shown)');
  return { ok: false, errors, issues };
}

export class ScoreInputError extends Error {
  override name = 'ScoreInputError';
  constructor(public readonly errors: string[]) {
    super(`invalid input: ${errors.slice(0, 5).join('; ')}${errors.length > 5 ? '; …' : ''}`);
  }
}

// ------------------------------------------------------------------ scoring

/** Scores row objects keyed by the original column names. Throws ScoreInputError on invalid rows. */
export async function score(model: LoadedModel, rows: unknown[]): Promise<ScoreResult> {
  const v = validateRows(model.meta, rows);
  if (!v.ok) throw new ScoreInputError(v.errors);
  const objs = v.rows;
  return scoreWith(model, objs.length, (featureName, i) => objs[i][featureName]);
}

/**
 * Scores columnar data: `columns[featureName]` is an array of values (one per row; DuckDB-style
 * values are fine: number, bigint, numeric string, null). Every feature column must be present
 * and all must have the same length; other columns are ignored.
 */
export async function scoreColumns(
  model: LoadedModel,
  columns: Record<string, ArrayLike<unknown>>,
): Promise<ScoreResult> {
  const feats = model.meta.features;
  const absent = feats.filter((f) => !(f.name in columns)).map((f) => `"${f.name}"`);
  if (absent.length) throw new ScoreInputError([`missing feature columns: ${absent.join(', ')}`]);
  const n = feats.length ? columns[feats[0].name].length : 0;
  const bad = feats.filter((f) => columns[f.name].length !== n).map((f) => `"${f.name}"`);
  if (bad.length) throw new ScoreInputError([`feature columns have different lengths: ${bad.join(', ')}`]);
  return scoreWith(model, n, (name, i) => columns[name][i]);
}

async function scoreWith(
  model: LoadedModel,
  n: number,
  get: (featureName: string, row: number) => unknown,
): Promise<ScoreResult> {
  const { meta, session } = model;
  const classification = meta.task === 'classification';
  const predictions: (string | number)[] = new Array(n);
  const probabilities: Record<string, number>[] | undefined =
    classification && meta.outputs.probabilities ? new Array(n) : undefined;
  const errors: string[] = [];
  const fetches = [meta.outputs.label, ...(probabilities ? [meta.outputs.probabilities!] : [])];

  for (let start = 0; start < n; start += BATCH) {
    const end = Math.min(n, start + BATCH);
    const m = end - start;
    const feeds: Record<string, ort.Tensor> = {};
    for (const f of meta.features) {
      if (f.type === 'number') {
        const data = new Float32Array(m);
        for (let i = 0; i < m; i++) {
          const c = toNumber(get(f.name, start + i));
          if (c.ok) data[i] = c.value;
          else if (errors.length < MAX_ERRORS) errors.push(`row ${start + i}: feature "${f.name}": ${c.why}`);
        }
        feeds[f.input] = new ort.Tensor('float32', data, [m, 1]);
      } else {
        const data: string[] = new Array(m);
        for (let i = 0; i < m; i++) {
          const c = toText(get(f.name, start + i));
          if (c.ok) data[i] = c.value;
          else {
            data[i] = '';
            if (errors.length < MAX_ERRORS) errors.push(`row ${start + i}: feature "${f.name}": ${c.why}`);
          }
        }
        feeds[f.input] = new ort.Tensor('string', data, [m, 1]);
      }
    }
    if (errors.length) throw new ScoreInputError(errors);
    if (m === 0) break;

    const out = await session.run(feeds, fetches);
    const label = out[meta.outputs.label];
    if (classification) {
      const classes = meta.classes ?? [];
      const d = label.data as ArrayLike<number | bigint | string>;
      for (let i = 0; i < m; i++) {
        const raw = d[i];
        if (typeof raw === 'string') predictions[start + i] = raw;
        else {
          const idx = Number(raw);
          predictions[start + i] = classes[idx] ?? String(idx);
        }
      }
      if (probabilities) {
        const p = out[meta.outputs.probabilities!].data as Float32Array;
        const k = classes.length;
        for (let i = 0; i < m; i++) {
          const rec: Record<string, number> = {};
          for (let j = 0; j < k; j++) rec[classes[j]] = p[i * k + j];
          probabilities[start + i] = rec;
        }
      }
    } else {
      // Regression: float32 values; clustering: int64 cluster numbers.
      const d = label.data as Float32Array | Float64Array | BigInt64Array;
      for (let i = 0; i < m; i++) predictions[start + i] = Number(d[i]);
    }
    for (const t of Object.values(out)) t.dispose?.();
  }
  return probabilities ? { predictions, probabilities } : { predictions };
}
