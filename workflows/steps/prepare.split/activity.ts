import path from 'node:path';
import { withDuckDb } from '../../../server/infra/duckdb';
import { implement } from '../kit/implement';
import { StepInputError } from '../kit/step-error';
import { quoteIdent, quoteLiteral, requireColumn, saveTable, tableColumns, tablePath } from '../kit/table-io';
import definition from './definition';

const RID = '__millrace_row';

/**
 * Random and stratified: rows are ranked by a hash of (row number, seed) within each stratum, and the first
 * round(n × fraction) of each stratum go to the test table. Time: rows are ranked by the time column (empty
 * first, ties in table order) and the last round(n × fraction) go to the test table. Both keep the original order.
 */
export async function splitParquet(
  source: string,
  trainFile: string,
  testFile: string,
  opts: { testFraction: number; seed: number; mode?: 'random' | 'stratified' | 'time'; stratifyBy?: string; timeColumn?: string },
): Promise<void> {
  const byTime = opts.mode === 'time';
  if (byTime && opts.timeColumn === undefined) throw new StepInputError('A time split needs a time column');
  if (opts.mode === 'stratified' && opts.stratifyBy === undefined) throw new StepInputError('A stratified split needs a "Stratify by" column');
  await withDuckDb(async (conn) => {
    const columns = await tableColumns(conn, source);
    if (opts.stratifyBy !== undefined && !byTime) requireColumn(columns, opts.stratifyBy, 'Stratify-by');
    if (byTime) requireColumn(columns, opts.timeColumn!, 'Time');
    const strata = opts.stratifyBy !== undefined && !byTime ? quoteIdent(opts.stratifyBy) : '1';
    // Time: the test table is the latest rows, so rank from the end (empty times count as earliest).
    const direction = byTime ? `ORDER BY ${quoteIdent(opts.timeColumn!)} DESC NULLS LAST, ${RID} DESC` : `ORDER BY hash(${RID}, ${opts.seed}::BIGINT), ${RID}`;
    await conn.run(`CREATE TEMP TABLE src AS SELECT *, row_number() OVER () AS ${RID} FROM read_parquet(${quoteLiteral(source)})`);
    try {
      await conn.run(`CREATE TEMP TABLE ranked AS
        SELECT ${RID},
               row_number() OVER (PARTITION BY ${strata} ${direction}) AS k,
               count(*) OVER (PARTITION BY ${strata}) AS n
        FROM src`);
      const part = (isTest: boolean, file: string) =>
        conn.run(`COPY (
          SELECT src.* EXCLUDE (${RID}) FROM src JOIN ranked USING (${RID})
          WHERE ${isTest ? '' : 'NOT '}(k <= round(n * ${opts.testFraction}))
          ORDER BY src.${RID}
        ) TO ${quoteLiteral(file)} (FORMAT parquet)`);
      await part(false, trainFile);
      await part(true, testFile);
    } finally {
      await conn.run('DROP TABLE IF EXISTS src; DROP TABLE IF EXISTS ranked;');
    }
  });
}

export default implement(definition, async ({ params, inputs, ctx }) => {
  const trainFile = path.join(ctx.scratchDir, 'train.parquet');
  const testFile = path.join(ctx.scratchDir, 'test.parquet');
  await splitParquet(await tablePath(inputs.table), trainFile, testFile, params);
  const train = await saveTable(trainFile);
  const test = await saveTable(testFile);
  ctx.progress(`split into ${train.rows} train and ${test.rows} test rows`);
  return {
    outputs: { train, test },
    summary: {
      trainRows: train.rows,
      testRows: test.rows,
      testFraction: params.testFraction,
      mode: params.mode ?? (params.stratifyBy !== undefined ? 'stratified' : 'random'),
      stratifyBy: params.stratifyBy ?? null,
      ...(params.mode === 'time' ? { timeColumn: params.timeColumn } : {}),
    },
  };
});
