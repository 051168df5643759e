import { z } from 'zod';
import { column, defineStep, port, type DesignIssue } from '../../core/step';
import { columnKind, findColumn, type ColumnSchema, type TableSchema } from '../../core/table-schema';

export const JOIN_KINDS = ['inner', 'left', 'right', 'full'] as const;

const params = z.object({
  how: z.enum(JOIN_KINDS).default('inner').meta({
    title: 'Join type',
    description: 'inner: matching rows only; left/right: every row of that side; full: every row of both',
  }),
  keys: z
    .array(
      z.strictObject({
        left: column('Left column', undefined, 'left'),
        right: column('Right column', undefined, 'right'),
      }),
    )
    .min(1, 'Add at least one key')
    .meta({ title: 'Keys', description: 'Rows match when every left column equals its right column' }),
  leftSuffix: z.string().min(1).max(40).default('_left').meta({ title: 'Left suffix', description: 'Added to a left column whose name the right table also uses', advanced: true }),
  rightSuffix: z.string().min(1).max(40).default('_right').meta({ title: 'Right suffix', description: 'Added to a right column whose name the left table also uses', advanced: true }),
});

export type JoinParams = z.output<typeof params>;

export interface JoinKey {
  /** Output name: the left column's. */
  name: string;
  left: string;
  right: string;
  /** Both sides are compared (and the key is written) as this type. */
  type: string;
  cast: boolean;
}

export interface JoinedColumn extends ColumnSchema {
  side: 'left' | 'right';
  source: string;
}

export interface JoinLayout {
  keys: JoinKey[];
  /** Output columns in order: the left table's (keys in place), then the right table's other columns. */
  columns: (JoinedColumn | (JoinKey & { side: 'key' }))[];
  issues: DesignIssue[];
}

const INTEGER = /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|UTINYINT|USMALLINT|UINTEGER)$/i;

/** The type two key columns are compared as, or undefined when they cannot be compared. */
function keyType(a: string, b: string): { type: string; cast: boolean } | undefined {
  if (a === b) return { type: a, cast: false };
  if (INTEGER.test(a) && INTEGER.test(b)) return { type: 'BIGINT', cast: true };
  if (columnKind(a) === 'number' && columnKind(b) === 'number') return { type: 'DOUBLE', cast: true };
  return undefined;
}

/** Which columns come out of the join, under which names and types; shared by the design-time schema and the activity. */
export function joinLayout(left: TableSchema, right: TableSchema, p: JoinParams): JoinLayout {
  const issues: DesignIssue[] = [];
  const keys: JoinKey[] = [];
  p.keys.forEach((k, i) => {
    const l = findColumn(left, k.left);
    const r = findColumn(right, k.right);
    if (!l) issues.push({ path: `params.keys.${i}.left`, message: `Column "${k.left}" is not in the left table` });
    if (!r) issues.push({ path: `params.keys.${i}.right`, message: `Column "${k.right}" is not in the right table` });
    if (!l || !r) return;
    if (keys.some((o) => o.left === k.left)) return void issues.push({ path: `params.keys.${i}.left`, message: `"${k.left}" is already a key` });
    if (keys.some((o) => o.right === k.right)) return void issues.push({ path: `params.keys.${i}.right`, message: `"${k.right}" is already a key` });
    const t = keyType(l.type, r.type);
    if (!t) {
      issues.push({
        path: `params.keys.${i}.right`,
        message: `Key types differ: "${k.left}" is ${l.type} on the left, "${k.right}" is ${r.type} on the right; cast one of them first`,
      });
      return;
    }
    keys.push({ name: k.left, left: k.left, right: k.right, ...t });
  });
  if (p.leftSuffix === p.rightSuffix) issues.push({ path: 'params.rightSuffix', message: 'The two suffixes must differ' });

  const leftRest = left.filter((c) => !keys.some((k) => k.left === c.name));
  const rightRest = right.filter((c) => !keys.some((k) => k.right === c.name));
  const leftNames = new Set(left.map((c) => c.name));
  const rightNames = new Set(rightRest.map((c) => c.name));
  const columns: JoinLayout['columns'] = left.map((c) => {
    const key = keys.find((k) => k.left === c.name);
    if (key) return { ...key, side: 'key' as const };
    const name = rightNames.has(c.name) ? `${c.name}${p.leftSuffix}` : c.name;
    return { name, type: c.type, side: 'left' as const, source: c.name };
  });
  for (const c of rightRest) {
    const name = leftNames.has(c.name) ? `${c.name}${p.rightSuffix}` : c.name;
    columns.push({ name, type: c.type, side: 'right', source: c.name });
  }
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) issues.push({ path: 'params.rightSuffix', message: `Two output columns would be called "${c.name}": choose other suffixes` });
    seen.add(c.name);
  }
  if (leftRest.length + rightRest.length === 0 && keys.length === 0) issues.push({ path: 'params.keys', message: 'No column would be left' });
  return { keys, columns, issues };
}

export default defineStep({
  type: 'prepare.join',
  category: 'prepare',
  title: 'Join',
  summary: 'Combine two tables on matching key columns.',
  help:
    'Matches rows of the left and right tables whose key columns are equal (the columns may be named differently ' +
    'on each side; empty keys never match). Inner keeps matching rows only, left or right also keeps the unmatched ' +
    'rows of that side, full keeps both. Each key comes out once, under its left name. A column name both tables ' +
    'use gets a suffix ("_left" and "_right" by default). Rows come in left-table order, then unmatched right rows.',
  inputs: { left: port.table('Left'), right: port.table('Right') },
  outputs: { table: port.table('Table') },
  params,
  outputSchema: ({ params, inputs }) => {
    if (!inputs.left || !inputs.right) return {};
    const layout = joinLayout(inputs.left, inputs.right, params);
    return layout.issues.length > 0 ? {} : { table: layout.columns.map(({ name, type }) => ({ name, type })) };
  },
  // Missing key columns are reported by the compiler (column widgets inside a list are checked here).
  check: ({ params, inputs }) => (inputs.left && inputs.right ? joinLayout(inputs.left, inputs.right, params).issues : []),
});
