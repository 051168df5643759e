import path from 'node:path';
import { withDuckDb } from '../../../server/infra/duckdb';
import { implement } from '../kit/implement';
import { quoteIdent, quoteLiteral, requireColumn, saveTable, tableColumns, tablePath } from '../kit/table-io';
import definition from './definition';

const RID = '__millrace_row';

/** Writes the first row of each group of duplicates, in table order; returns how many rows were dropped. */
export async function dedupeParquet(source: string, target: string, opts: { columns?: string[] }): Promise<{ rows: number; removed: number }> {
  return withDuckDb(async (conn) => {
    const all = await tableColumns(conn, source);
    for (const c of opts.columns ?? []) requireColumn(all, c, 'Compare');
    const compared = (opts.columns ?? all).map(quoteIdent).join(', ');
    await conn.run(`COPY (
      WITH src AS (SELECT *, row_number() OVER () AS ${RID} FROM read_parquet(${quoteLiteral(source)}))
      SELECT * EXCLUDE (${RID}) FROM src
      QUALIFY row_number() OVER (PARTITION BY ${compared} ORDER BY ${RID}) = 1
      ORDER BY ${RID}
    ) TO ${quoteLiteral(target)} (FORMAT parquet)`);
    const counted = await conn.runAndReadAll(
      `SELECT (SELECT count(*) FROM read_parquet(${quoteLiteral(source)}))::DOUBLE AS before, (SELECT count(*) FROM read_parquet(${quoteLiteral(target)}))::DOUBLE AS after`,
    );
    const { before, after } = counted.getRowObjectsJS()[0] as { before: number; after: number };
    return { rows: after, removed: before - after };
  });
}

export default implement(definition, async ({ params, inputs, ctx }) => {
  const file = path.join(ctx.scratchDir, 'deduped.parquet');
  const { removed } = await dedupeParquet(await tablePath(inputs.table), file, params);
  const table = await saveTable(file);
  ctx.progress(`removed ${removed} duplicate rows`);
  return { outputs: { table }, summary: { rows: table.rows, removed } };
});
