import { implement } from '../kit/implement';
import { previewTable, runSqlStep } from '../kit/sql-step';
import definition from './definition';

export default implement(definition, async ({ params, inputs, ctx }) => {
  const table = await runSqlStep({ sql: params.sql, tables: inputs, ctx, timeoutSeconds: Math.min(params.timeoutSeconds, definition.timeoutSeconds) });
  ctx.progress(`query returned ${table.rows} rows`);
  return {
    outputs: { table },
    summary: { rows: table.rows, columns: (table.meta?.columns as unknown[]).length, preview: await previewTable(table) },
  };
});
