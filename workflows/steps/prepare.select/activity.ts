import path from 'node:path';
import { describeParquet, quoteIdent, quoteLiteral, withDuckDb } from '../../../server/infra/duckdb';
import { implement } from '../kit/implement';
import { StepInputError } from '../kit/step-error';
import { requireColumn, saveTable, tablePath } from '../kit/table-io';
import definition, { selectColumns, type SelectParams } from './definition';

/** Writes the selected, renamed and reordered columns of `source` to `target`. */
export async function selectParquet(source: string, target: string, params: SelectParams): Promise<string[]> {
  const { columns: input } = await describeParquet(source);
  const names = input.map((c) => c.name);
  for (const [what, list] of [['Keep', params.keep], ['Drop', params.drop], ['Move-to-front', params.moveFirst]] as const) {
    for (const name of list ?? []) requireColumn(names, name, what);
  }
  const { columns, issues } = selectColumns(input, params);
  if (issues.length > 0) throw new StepInputError(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  const list = columns.map((c) => `${quoteIdent(c.source)} AS ${quoteIdent(c.name)}`).join(', ');
  await withDuckDb((conn) => conn.run(`COPY (SELECT ${list} FROM read_parquet(${quoteLiteral(source)})) TO ${quoteLiteral(target)} (FORMAT parquet)`));
  return columns.map((c) => c.name);
}

export default implement(definition, async ({ params, inputs, ctx }) => {
  const file = path.join(ctx.scratchDir, 'selected.parquet');
  const columns = await selectParquet(await tablePath(inputs.table), file, params);
  const table = await saveTable(file);
  ctx.progress(`kept ${columns.length} columns`);
  return { outputs: { table }, summary: { rows: table.rows, columns: columns.length } };
});
