import { describeParquet } from '../../../server/infra/duckdb';
import { implement } from '../kit/implement';
import { previewTable, runSqlStep } from '../kit/sql-step';
import { StepInputError } from '../kit/step-error';
import { tablePath } from '../kit/table-io';
import { INPUT_TABLE } from '../shared/sql-step';
import definition, { filterSql } from './definition';

export default implement(definition, async ({ params, inputs, ctx }) => {
  const input = await describeParquet(await tablePath(inputs.table));
  const built = filterSql(input.columns, params);
  if ('issues' in built) throw new StepInputError(built.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  const table = await runSqlStep({
    sql: built.sql,
    tables: { [INPUT_TABLE]: inputs.table },
    ctx,
    timeoutSeconds: Math.min(params.timeoutSeconds, definition.timeoutSeconds),
    what: 'Filter',
  });
  ctx.progress(`kept ${table.rows} of ${input.rows} rows`);
  return {
    outputs: { table },
    summary: { rowsIn: input.rows, rowsKept: table.rows, rowsDropped: input.rows - table.rows, preview: await previewTable(table, 'First rows kept') },
  };
});
