import path from 'node:path';
import { describeParquet, quoteIdent, quoteLiteral, withDuckDb } from '../../../server/infra/duckdb';
import { implement } from '../kit/implement';
import { StepInputError } from '../kit/step-error';
import { saveTable, tablePath } from '../kit/table-io';
import definition, { CAST_TYPES, castIssues, type CastParams, type CastTarget } from './definition';

const RID = '__millrace_row';

/** The converted value, or NULL when it does not convert (TRY_CAST alone would round 3.7 to the integer 4). */
function convert(column: string, to: CastTarget): string {
  const x = quoteIdent(column);
  if (to === 'integer') return `CASE WHEN TRY_CAST(${x} AS DOUBLE) = TRY_CAST(${x} AS BIGINT) THEN TRY_CAST(${x} AS BIGINT) END`;
  return `TRY_CAST(${x} AS ${CAST_TYPES[to]})`;
}

function preview(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

/**
 * Converts the chosen columns in place. Returns, per column, how many non-empty values did not convert;
 * with onError "fail" the first such value (in table order) stops the step instead.
 */
export async function castParquet(source: string, target: string, params: CastParams): Promise<Record<string, number>> {
  const issues = castIssues((await describeParquet(source)).columns, params);
  if (issues.length > 0) throw new StepInputError(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  return withDuckDb(async (conn) => {
    const src = `read_parquet(${quoteLiteral(source)})`;
    const failing = (c: CastParams['casts'][number]) => `(${quoteIdent(c.column)} IS NOT NULL AND ${convert(c.column, c.to)} IS NULL)`;
    const counts = (await conn.runAndReadAll(`SELECT ${params.casts.map((c, i) => `count(*) FILTER (WHERE ${failing(c)})::DOUBLE AS f${i}`).join(', ')} FROM ${src}`))
      .getRowObjectsJS()[0] as Record<string, number>;
    const failed = Object.fromEntries(params.casts.map((c, i) => [c.column, Number(counts[`f${i}`])]));
    if (params.onError === 'fail') {
      const first = params.casts.find((c) => failed[c.column]! > 0);
      if (first) {
        const row = (
          await conn.runAndReadAll(`SELECT ${RID} AS row, CAST(${quoteIdent(first.column)} AS VARCHAR) AS value FROM (
            SELECT *, row_number() OVER () AS ${RID} FROM ${src}) WHERE ${failing(first)} ORDER BY ${RID} LIMIT 1`)
        ).getRowObjectsJS()[0]!;
        const n = failed[first.column]!;
        throw new StepInputError(
          `Column "${first.column}", row ${Number(row.row)}: the value ${preview(String(row.value))} does not convert to ${first.to}` +
            `${n > 1 ? ` (${n} values in this column do not)` : ''}. Fix the data, or set "When a value does not convert" to null.`,
        );
      }
    }
    const replaced = params.casts.map((c) => `${convert(c.column, c.to)} AS ${quoteIdent(c.column)}`).join(', ');
    await conn.run(`COPY (SELECT * REPLACE (${replaced}) FROM ${src}) TO ${quoteLiteral(target)} (FORMAT parquet)`);
    return failed;
  });
}

export default implement(definition, async ({ params, inputs, ctx }) => {
  const file = path.join(ctx.scratchDir, 'cast.parquet');
  const nulled = await castParquet(await tablePath(inputs.table), file, params);
  const table = await saveTable(file);
  const total = Object.values(nulled).reduce((a, b) => a + b, 0);
  if (total > 0) ctx.progress(`${total} values did not convert and were left empty`);
  return {
    outputs: { table },
    summary: {
      rows: table.rows,
      converted: params.casts.map((c) => `${c.column} → ${c.to}`),
      ...(params.onError === 'null'
        ? {
            valuesLeftEmpty: total,
            conversions: {
              $visual: 'table',
              title: 'Values that did not convert',
              columns: ['Column', 'New type', 'Left empty'],
              rows: params.casts.map((c) => [c.column, c.to, nulled[c.column] ?? 0]),
            },
          }
        : {}),
    },
  };
});
