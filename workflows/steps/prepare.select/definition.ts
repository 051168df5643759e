import { z } from 'zod';
import { column, columns, defineStep, port, type DesignIssue } from '../../core/step';
import type { ColumnSchema, TableSchema } from '../../core/table-schema';

const params = z.object({
  keep: columns('Keep', 'Only these columns, in this order. Empty = every column').optional(),
  drop: columns('Drop', 'Remove these columns').optional(),
  moveFirst: columns('Move to front', 'Put these columns first, the others follow in their order').optional(),
  rename: z
    .array(
      z.strictObject({
        from: column('Column'),
        to: z.string().trim().min(1, 'Give the new name').max(255).meta({ title: 'New name' }),
      }),
    )
    .optional()
    .meta({ title: 'Renames' }),
});

export type SelectParams = z.output<typeof params>;

/** One output column: where it comes from and what it is called. */
export interface SelectedColumn extends ColumnSchema {
  source: string;
}

/**
 * keep → drop → move to front → rename, applied to the input's columns. Problems are reported with the
 * parameter path they concern; the activity and the design-time schema share this one reading.
 */
export function selectColumns(input: TableSchema, p: SelectParams): { columns: SelectedColumn[]; issues: DesignIssue[] } {
  const issues: DesignIssue[] = [];
  const has = new Set(input.map((c) => c.name));
  const known = (name: string) => has.has(name);
  let picked: ColumnSchema[] = p.keep ? p.keep.filter(known).map((n) => input.find((c) => c.name === n)!) : [...input];
  p.keep?.forEach((name, i) => {
    if (p.keep!.indexOf(name) !== i) issues.push({ path: `params.keep.${i}`, message: `"${name}" is listed twice` });
  });
  picked = picked.filter((c, i) => picked.findIndex((d) => d.name === c.name) === i);
  if (p.drop) picked = picked.filter((c) => !p.drop!.includes(c.name));
  p.moveFirst?.forEach((name, i) => {
    if (known(name) && !picked.some((c) => c.name === name)) {
      issues.push({ path: `params.moveFirst.${i}`, message: `"${name}" is not kept, so it cannot be moved` });
    }
  });
  if (p.moveFirst) {
    const front = p.moveFirst.flatMap((n) => picked.filter((c) => c.name === n));
    picked = [...new Set([...front, ...picked])];
  }
  const renames = new Map<string, string>();
  p.rename?.forEach((r, i) => {
    if (!known(r.from)) {
      issues.push({ path: `params.rename.${i}.from`, message: `Column "${r.from}" is not in the input table` });
    } else if (!picked.some((c) => c.name === r.from)) {
      issues.push({ path: `params.rename.${i}.from`, message: `"${r.from}" is not kept, so it cannot be renamed` });
    } else if (renames.has(r.from)) {
      issues.push({ path: `params.rename.${i}.from`, message: `"${r.from}" is renamed twice` });
    } else renames.set(r.from, r.to);
  });
  const columns = picked.map((c) => ({ name: renames.get(c.name) ?? c.name, type: c.type, source: c.name }));
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) {
      const i = p.rename?.findIndex((r) => r.to === c.name) ?? -1;
      issues.push({ path: i >= 0 ? `params.rename.${i}.to` : 'params.rename', message: `Two output columns would be called "${c.name}"` });
    }
    seen.add(c.name);
  }
  if (columns.length === 0) issues.push({ path: p.keep ? 'params.keep' : 'params.drop', message: 'No column would be left' });
  return { columns, issues };
}

export default defineStep({
  type: 'prepare.select',
  category: 'prepare',
  title: 'Select columns',
  summary: 'Keep, drop, rename or reorder columns.',
  help:
    'Chooses which columns go on and what they are called. "Keep" lists the columns to keep in the order given ' +
    '(empty keeps them all), "Drop" removes columns, "Move to front" puts columns first without listing the rest, ' +
    'and "Renames" gives columns new names. They apply in that order; values and types are unchanged.',
  inputs: { table: port.table('Table') },
  outputs: { table: port.table('Table') },
  params,
  outputSchema: ({ params, inputs }) => {
    if (!inputs.table) return {};
    const { columns, issues } = selectColumns(inputs.table, params);
    return issues.length > 0 ? {} : { table: columns.map(({ name, type }) => ({ name, type })) };
  },
  check: ({ params, inputs }) => (inputs.table ? selectColumns(inputs.table, params).issues : []),
});
