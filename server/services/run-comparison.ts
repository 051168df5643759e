// The pure part of comparing runs: which parameters differ, which numbers are metrics, how long each
// step took. Kept free of I/O so it is tested without a database.

export interface ComparedStep {
  nodeId: string;
  type: string;
  params: Record<string, unknown>;
  status?: string;
  startedAt?: Date | null;
  finishedAt?: Date | null;
  summary?: Record<string, unknown> | null;
}

export interface ParamRow {
  nodeId: string;
  type: string;
  param: string;
  /** One per run, as display text; null where the run's step does not exist or lacks the parameter. */
  values: (string | null)[];
  differs: boolean;
}

export interface NumberRow {
  nodeId: string;
  name: string;
  values: (number | null)[];
}

/** Parameter values as text: strings as they are, everything else as canonical JSON. */
export function paramText(value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value === 'string') return value;
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** Rows in first-seen order: steps in each run's plan order, then steps only later runs have. */
function nodeOrder(runs: ComparedStep[][]): { nodeId: string; type: string }[] {
  const seen = new Map<string, string>();
  for (const steps of runs) for (const s of steps) if (!seen.has(s.nodeId)) seen.set(s.nodeId, s.type);
  return [...seen].map(([nodeId, type]) => ({ nodeId, type }));
}

export function compareParams(runs: ComparedStep[][]): ParamRow[] {
  const rows: ParamRow[] = [];
  for (const { nodeId, type } of nodeOrder(runs)) {
    const perRun = runs.map((steps) => steps.find((s) => s.nodeId === nodeId));
    const names = new Set<string>();
    for (const s of perRun) for (const k of Object.keys(s?.params ?? {})) names.add(k);
    for (const param of [...names].sort()) {
      const values = perRun.map((s) => (s ? paramText(s.params[param]) : null));
      rows.push({ nodeId, type, param, values, differs: values.some((v) => v !== values[0]) });
    }
  }
  return rows;
}

// Numbers in summaries that describe the run, not the model's quality.
const NOT_METRICS = /version|seconds|^rows|count|features|clusters$|^support$/i;
const TRAIN_METRICS = /score|accuracy|f1|rmse|mae|r2|auc|loss|precision|recall/i;

/** Quality numbers: every number an evaluate step reports, and score-like numbers of train and compare steps. */
export function metricNames(type: string, summary: Record<string, unknown>): string[] {
  const evaluate = type === 'validate.evaluate';
  const scoring = type.startsWith('train.') || type === 'validate.compare';
  if (!evaluate && !scoring) return [];
  return Object.entries(summary)
    .filter(([k, v]) => typeof v === 'number' && Number.isFinite(v) && !NOT_METRICS.test(k) && (evaluate || TRAIN_METRICS.test(k)))
    .map(([k]) => k);
}

export function compareMetrics(runs: ComparedStep[][]): NumberRow[] {
  const rows: NumberRow[] = [];
  for (const { nodeId, type } of nodeOrder(runs)) {
    const perRun = runs.map((steps) => steps.find((s) => s.nodeId === nodeId));
    const names: string[] = [];
    for (const s of perRun) for (const n of metricNames(type, s?.summary ?? {})) if (!names.includes(n)) names.push(n);
    for (const name of names) {
      rows.push({ nodeId, name, values: perRun.map((s) => numberOrNull(s?.summary?.[name])) });
    }
  }
  return rows;
}

function numberOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function stepDurationMs(step: Pick<ComparedStep, 'startedAt' | 'finishedAt'>): number | null {
  if (!step.startedAt || !step.finishedAt) return null;
  return Math.max(0, step.finishedAt.getTime() - step.startedAt.getTime());
}

export function compareDurations(runs: ComparedStep[][]): NumberRow[] {
  return nodeOrder(runs).map(({ nodeId }) => ({
    nodeId,
    name: 'duration (ms)',
    values: runs.map((steps) => {
      const s = steps.find((x) => x.nodeId === nodeId);
      return s ? stepDurationMs(s) : null;
    }),
  }));
}

/** Keyset cursor of the runs list: the last row's created_at (Postgres text, microseconds kept) and id. */
export function encodeRunCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

export function decodeRunCursor(cursor: string): { createdAt: string; id: string } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
    const [createdAt, id] = parsed as unknown[];
    if (typeof createdAt !== 'string' || typeof id !== 'string') return undefined;
    if (!/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(Date.parse(createdAt.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')))) return undefined;
    return { createdAt, id };
  } catch {
    return undefined;
  }
}
