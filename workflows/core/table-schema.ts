// Table schemas known at design time: column names with their DuckDB type and a coarse kind the
// compiler and the forms reason about. Isomorphic.

export type ColumnKind = 'number' | 'text' | 'boolean' | 'temporal' | 'other';

export interface ColumnSchema {
  name: string;
  /** The DuckDB type, e.g. BIGINT, DOUBLE, VARCHAR. */
  type: string;
}

export type TableSchema = ColumnSchema[];

const NUMBER = /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL(\(.*\))?|NUMERIC(\(.*\))?)$/i;
const TEXT = /^(VARCHAR|TEXT|STRING|CHAR|BPCHAR|UUID|ENUM.*)$/i;
const TEMPORAL = /^(DATE|TIME|TIMESTAMP|TIMESTAMP WITH TIME ZONE|TIMESTAMPTZ|TIMESTAMP_(S|MS|NS)|INTERVAL)/i;

export function columnKind(type: string): ColumnKind {
  const t = type.trim();
  if (NUMBER.test(t)) return 'number';
  if (TEXT.test(t)) return 'text';
  if (/^BOOL(EAN)?$/i.test(t)) return 'boolean';
  if (TEMPORAL.test(t)) return 'temporal';
  return 'other';
}

export function findColumn(schema: TableSchema, name: string): ColumnSchema | undefined {
  return schema.find((c) => c.name === name);
}

/** "a", "b", "c" and 7 more — for messages that list what is available. */
export function listColumns(schema: TableSchema, max = 12): string {
  const shown = schema.slice(0, max).map((c) => `"${c.name}"`).join(', ');
  return schema.length > max ? `${shown} and ${schema.length - max} more` : shown || 'none';
}

/** The first difference between what the plan expected and what a step produced, or undefined. */
export function schemaDifference(expected: TableSchema, actual: TableSchema): string | undefined {
  const have = new Map(actual.map((c) => [c.name, c.type]));
  for (const c of expected) {
    const t = have.get(c.name);
    if (t === undefined) return `column "${c.name}" (${c.type}) is missing`;
    if (t !== c.type) return `column "${c.name}" is ${t}, expected ${c.type}`;
  }
  const want = new Set(expected.map((c) => c.name));
  const extra = actual.find((c) => !want.has(c.name));
  if (extra) return `column "${extra.name}" (${extra.type}) was not expected`;
  return undefined;
}
