import path from 'node:path';
import { describeParquet, quoteIdent, quoteLiteral, withDuckDb } from '../../../server/infra/duckdb';
import { implement } from '../kit/implement';
import { StepInputError } from '../kit/step-error';
import { requireColumn, saveTable, tablePath } from '../kit/table-io';
import definition, { aggregateLayout, type AggregateColumn, type AggregateParams } from './definition';

function aggregateSql(a: AggregateColumn): string {
  const col = a.column === undefined ? '*' : quoteIdent(a.column);
  const expr = {
    count: `count(${col})`,
    count_distinct: `count(DISTINCT ${col})`,
    sum: `sum(${col})`,
    mean: `avg(${col})`,
    median: `median(${col})`,
    min: `min(${col})`,
    max: `max(${col})`,
    std: `stddev_samp(${col})`,
  }[a.fn];
  // The cast makes the written type the one promised at design time.
  return `CAST(${expr} AS ${a.type}) AS ${quoteIdent(a.name)}`;
}

/** Groups `source` and writes one row per group, sorted by the group columns (empty values last). */
export async function aggregateParquet(source: string, target: string, params: AggregateParams): Promise<void> {
  const input = (await describeParquet(source)).columns;
  for (const name of params.groupBy ?? []) requireColumn(input.map((c) => c.name), name, 'Group-by');
  const { groups, aggregates, issues } = aggregateLayout(input, params);
  if (issues.length > 0) throw new StepInputError(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  const keys = groups.map((g) => quoteIdent(g.name));
  const select = [...keys, ...aggregates.map(aggregateSql)].join(', ');
  const grouping = keys.length > 0 ? `GROUP BY ${keys.join(', ')} ORDER BY ${keys.map((k) => `${k} NULLS LAST`).join(', ')}` : '';
  await withDuckDb((conn) =>
    conn.run(`COPY (SELECT ${select} FROM read_parquet(${quoteLiteral(source)}) ${grouping}) TO ${quoteLiteral(target)} (FORMAT parquet)`),
  );
}

export default implement(definition, async ({ params, inputs, ctx }) => {
  const file = path.join(ctx.scratchDir, 'aggregated.parquet');
  await aggregateParquet(await tablePath(inputs.table), file, params);
  const table = await saveTable(file);
  ctx.progress(`${table.rows} groups`);
  return { outputs: { table }, summary: { rows: table.rows, groupedBy: params.groupBy ?? [] } };
});
