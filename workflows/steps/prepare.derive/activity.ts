import { describeParquet } from '../../../server/infra/duckdb';
import { implement } from '../kit/implement';
import { previewTable, runSqlStep } from '../kit/sql-step';
import { tablePath } from '../kit/table-io';
import { INPUT_TABLE } from '../shared/sql-step';
import definition, { deriveSql } from './definition';

export default implement(definition, async ({ params, inputs, ctx }) => {
  const { columns } = await describeParquet(await tablePath(inputs.table));
  const { sql } = deriveSql(columns.map((c) => c.name), params.name, params.expression);
  const table = await runSqlStep({
    sql,
    tables: { [INPUT_TABLE]: inputs.table },
    ctx,
    timeoutSeconds: Math.min(params.timeoutSeconds, definition.timeoutSeconds),
    what: 'Expression',
  });
  const type = (table.meta?.columns as { name: string; type: string }[]).find((c) => c.name.toLowerCase() === params.name.toLowerCase())?.type;
  ctx.progress(`derived "${params.name}" (${type}) for ${table.rows} rows`);
  return { outputs: { table }, summary: { column: params.name, type, rows: table.rows, preview: await previewTable(table) } };
});
