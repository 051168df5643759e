import path from 'node:path';
import { withDuckDb } from '../../../server/infra/duckdb';
import { implement } from '../kit/implement';
import { quoteIdent, quoteLiteral, requireColumn, saveTable, tableColumns, tablePath } from '../kit/table-io';
import definition from './definition';

const RID = '__millrace_row';

/**
 * Deterministic shuffle split: rows are ranked by a hash of (row number, seed) within each stratum,
 * the first round(n × fraction) of each stratum go to the test table; both keep the original order.
 */
export async function splitParquet(
  source: string,
  trainFile: string,
  testFile: string,
  opts: { testFraction: number; seed: number; stratifyBy?: string },
): Promise<void> {
  await withDuckDb(async (conn) => {
    if (opts.stratifyBy !== undefined) requireColumn(await tableColumns(conn, source), opts.stratifyBy, 'Stratify-by');
    const strata = opts.stratifyBy !== undefined ? quoteIdent(opts.stratifyBy) : '1';
    await conn.run(`CREATE TEMP TABLE src AS SELECT *, row_number() OVER () AS ${RID} FROM read_parquet(${quoteLiteral(source)})`);
    try {
      await conn.run(`CREATE TEMP TABLE ranked AS
        SELECT ${RID},
               row_number() OVER (PARTITION BY ${strata} ORDER BY hash(${RID}, ${opts.seed}::BIGINT), ${RID}) AS k,
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
    summary: { trainRows: train.rows, testRows: test.rows, testFraction: params.testFraction, stratifyBy: params.stratifyBy ?? null },
  };
});
