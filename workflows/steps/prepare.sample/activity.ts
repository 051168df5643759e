import path from 'node:path';
import { withDuckDb } from '../../../server/infra/duckdb';
import type { ParamsOf } from '../../core/step';
import { implement } from '../kit/implement';
import { quoteLiteral, saveTable, tablePath } from '../kit/table-io';
import definition from './definition';

const RID = '__millrace_row';

/**
 * Ranks rows by a hash of (row number, seed) and keeps the first k: a seeded, deterministic sample without
 * replacement, written in table order.
 */
export async function sampleParquet(source: string, target: string, opts: ParamsOf<typeof definition>): Promise<{ rows: number; of: number }> {
  return withDuckDb(async (conn) => {
    const src = `read_parquet(${quoteLiteral(source)})`;
    const total = Number((await conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM ${src}`)).getRowObjectsJS()[0]!.n);
    const keep = opts.size === 'rows' ? Math.min(opts.rows, total) : Math.round(total * opts.fraction);
    await conn.run(`COPY (
      WITH src AS (SELECT *, row_number() OVER () AS ${RID} FROM ${src})
      SELECT * EXCLUDE (${RID}) FROM (
        SELECT * FROM src ORDER BY hash(${RID}, ${opts.seed}::BIGINT), ${RID} LIMIT ${keep}
      ) ORDER BY ${RID}
    ) TO ${quoteLiteral(target)} (FORMAT parquet)`);
    return { rows: keep, of: total };
  });
}

export default implement(definition, async ({ params, inputs, ctx }) => {
  const file = path.join(ctx.scratchDir, 'sample.parquet');
  const { of } = await sampleParquet(await tablePath(inputs.table), file, params);
  const table = await saveTable(file);
  ctx.progress(`kept ${table.rows} of ${of} rows`);
  return { outputs: { table }, summary: { rows: table.rows, of, seed: params.seed } };
});
