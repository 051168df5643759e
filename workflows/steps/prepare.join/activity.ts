import path from 'node:path';
import { describeParquet, quoteIdent, quoteLiteral, withDuckDb } from '../../../server/infra/duckdb';
import { implement } from '../kit/implement';
import { StepInputError } from '../kit/step-error';
import { saveTable, tablePath } from '../kit/table-io';
import definition, { joinLayout, type JoinParams } from './definition';

const LEFT_ROW = '__millrace_left_row';
const RIGHT_ROW = '__millrace_right_row';
const SQL_JOIN = { inner: 'INNER', left: 'LEFT', right: 'RIGHT', full: 'FULL OUTER' } as const;

/** Joins two Parquet files into `target`, in left-row then right-row order. */
export async function joinParquet(leftFile: string, rightFile: string, target: string, params: JoinParams): Promise<void> {
  const layout = joinLayout((await describeParquet(leftFile)).columns, (await describeParquet(rightFile)).columns, params);
  if (layout.issues.length > 0) throw new StepInputError(layout.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  const side = (alias: 'l' | 'r', name: string, type?: string) => (type ? `CAST(${alias}.${quoteIdent(name)} AS ${type})` : `${alias}.${quoteIdent(name)}`);
  const select = layout.columns
    .map((c) => {
      if (c.side === 'key') {
        const t = c.cast ? c.type : undefined;
        return `COALESCE(${side('l', c.left, t)}, ${side('r', c.right, t)}) AS ${quoteIdent(c.name)}`;
      }
      return `${side(c.side === 'left' ? 'l' : 'r', c.source)} AS ${quoteIdent(c.name)}`;
    })
    .join(', ');
  const on = layout.keys
    .map((k) => `${side('l', k.left, k.cast ? k.type : undefined)} = ${side('r', k.right, k.cast ? k.type : undefined)}`)
    .join(' AND ');
  await withDuckDb((conn) =>
    conn.run(`COPY (
      WITH l AS (SELECT *, row_number() OVER () AS ${LEFT_ROW} FROM read_parquet(${quoteLiteral(leftFile)})),
           r AS (SELECT *, row_number() OVER () AS ${RIGHT_ROW} FROM read_parquet(${quoteLiteral(rightFile)}))
      SELECT ${select} FROM l ${SQL_JOIN[params.how]} JOIN r ON ${on}
      ORDER BY l.${LEFT_ROW} NULLS LAST, r.${RIGHT_ROW} NULLS LAST
    ) TO ${quoteLiteral(target)} (FORMAT parquet)`),
  );
}

export default implement(definition, async ({ params, inputs, ctx }) => {
  const file = path.join(ctx.scratchDir, 'joined.parquet');
  await joinParquet(await tablePath(inputs.left), await tablePath(inputs.right), file, params);
  const table = await saveTable(file);
  ctx.progress(`joined into ${table.rows} rows`);
  return { outputs: { table }, summary: { rows: table.rows, how: params.how } };
});
