import type { DuckDBConnection } from '@duckdb/node-api';
import { withDuckDb } from '../../../server/infra/duckdb';
import type { TableVisual } from '../../core/visual';
import { implement } from '../kit/implement';
import { StepInputError } from '../kit/step-error';
import { quoteIdent, quoteLiteral, tablePath } from '../kit/table-io';
import definition, { describeExpectation, type Expectation } from './definition';

export interface ExpectationResult {
  expectation: string;
  check: Expectation['check'];
  column: string | null;
  severity: Expectation['severity'];
  passed: boolean;
  /** Rows that break the expectation; null for checks about the whole table (exists, type, row count, fresh). */
  failingRows: number | null;
  detail: string;
  sample?: TableVisual;
}

const ROW = '__millrace_row';
/** Columns shown in a sample besides the row number and the checked column. */
const SAMPLE_OTHER_COLUMNS = 5;

const TYPE_PATTERNS: Record<NonNullable<Expectation['type']>, RegExp> = {
  number: /^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|FLOAT|REAL|DOUBLE|DECIMAL(\(.*\))?)$/i,
  integer: /^U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?$/i,
  text: /^(VARCHAR|TEXT|STRING)$/i,
  boolean: /^BOOL(EAN)?$/i,
  date: /^DATE$/i,
  timestamp: /^TIMESTAMP/i,
};

/** A DuckDB value as a table cell: big integers as numbers when exact, dates as ISO text. */
function cell(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : String(v);
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x));
}

async function one(conn: DuckDBConnection, sql: string): Promise<Record<string, unknown>> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJS()[0] ?? {};
}

/**
 * Runs every expectation against a Parquet file in DuckDB. Row-level checks count their failing rows
 * and fetch a sample of them (row numbers count from 1 in file order).
 */
export async function runExpectations(file: string, expectations: Expectation[], sampleRows = 10): Promise<{ rows: number; results: ExpectationResult[] }> {
  return withDuckDb(async (conn) => {
    const src = `(SELECT file_row_number + 1 AS ${ROW}, * EXCLUDE (file_row_number) FROM read_parquet(${quoteLiteral(file)}, file_row_number = true))`;
    const described = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quoteLiteral(file)})`)).getRowObjectsJS();
    const types = new Map(described.map((r) => [String(r.column_name), String(r.column_type)]));
    const rows = Number((await one(conn, `SELECT count(*)::DOUBLE AS n FROM read_parquet(${quoteLiteral(file)})`)).n);
    const results: ExpectationResult[] = [];

    for (const e of expectations) {
      const base = { expectation: describeExpectation(e), check: e.check, column: e.column ?? null, severity: e.severity };
      const verdict = (passed: boolean, detail: string, failingRows: number | null = null, sample?: TableVisual) =>
        results.push({ ...base, passed, failingRows, detail, ...(sample ? { sample } : {}) });

      if (e.check === 'row count') {
        const ok = (e.min === undefined || rows >= e.min) && (e.max === undefined || rows <= e.max);
        verdict(ok, `${rows} rows`);
        continue;
      }
      const column = e.column!;
      const type = types.get(column);
      if (type === undefined) {
        verdict(false, `Column "${column}" is not in the table`);
        continue;
      }
      if (e.check === 'column exists') {
        verdict(true, `${type}`);
        continue;
      }
      if (e.check === 'column type') {
        const ok = TYPE_PATTERNS[e.type!].test(type);
        verdict(ok, ok ? type : `${type}, not ${e.type}`);
        continue;
      }
      const col = quoteIdent(column);
      if (e.check === 'fresh') {
        if (!/^(DATE|TIMESTAMP)/i.test(type)) throw new StepInputError(`"fresh" needs a date or timestamp column; "${column}" is ${type}`);
        // TIMESTAMP WITH TIME ZONE keeps its instant; naive timestamps and dates are read as UTC.
        const newest = /WITH TIME ZONE|TIMESTAMPTZ/i.test(type) ? `max(${col})` : `max(${col})::TIMESTAMP`;
        const r = await one(conn, `SELECT epoch_ms(${newest})::DOUBLE AS ms, epoch_ms(now())::DOUBLE AS now FROM ${src}`);
        if (r.ms === null || r.ms === undefined) {
          verdict(false, `"${column}" has no values`);
          continue;
        }
        const ageHours = (Number(r.now) - Number(r.ms)) / 3_600_000;
        verdict(ageHours <= e.maxAgeHours!, `newest ${new Date(Number(r.ms)).toISOString()}, ${ageHours.toFixed(1)} h old`);
        continue;
      }

      let failing: string;
      if (e.check === 'not null') failing = `${col} IS NULL`;
      else if (e.check === 'unique') failing = `${col} IS NOT NULL AND count(*) OVER (PARTITION BY ${col}) > 1`;
      else if (e.check === 'in range') {
        if (!TYPE_PATTERNS.number.test(type)) throw new StepInputError(`"in range" needs a number column; "${column}" is ${type}`);
        const parts = [e.min !== undefined ? `${col} < ${e.min}` : '', e.max !== undefined ? `${col} > ${e.max}` : ''].filter(Boolean);
        failing = `(${parts.join(' OR ')})`;
      } else if (e.check === 'in allowed values') {
        // Values typed as text are read as the column's type, so 3 matches 3.0 in a DOUBLE column.
        const list = e.values!.map((v) => `TRY_CAST(${quoteLiteral(v)} AS ${type})`);
        const casts = await one(conn, `SELECT [${e.values!.map((v, i) => `CASE WHEN ${list[i]} IS NULL THEN ${quoteLiteral(v)} END`).join(', ')}] AS bad`);
        const bad = (casts.bad as (string | null)[]).filter((v) => v !== null);
        if (bad.length) throw new StepInputError(`Allowed values for "${column}" must be ${type}: ${bad.map((v) => JSON.stringify(v)).join(', ')} is not`);
        failing = `${col} IS NOT NULL AND ${col} NOT IN (${list.join(', ')})`;
      } else {
        try {
          await conn.run(`SELECT regexp_matches('', ${quoteLiteral(e.pattern!)})`);
        } catch (err) {
          throw new StepInputError(`The pattern for "${column}" is not a valid regular expression: ${(err as Error).message.replace(/^.*?Error: /, '')}`);
        }
        failing = `${col} IS NOT NULL AND NOT regexp_matches(${col}::VARCHAR, ${quoteLiteral(e.pattern!)})`;
      }

      // QUALIFY lets the unique check's window function take part in the filter.
      const flagged = `SELECT * FROM ${src} ${e.check === 'unique' ? 'QUALIFY' : 'WHERE'} ${failing}`;
      const count = Number((await one(conn, `SELECT count(*)::DOUBLE AS n FROM (${flagged})`)).n);
      if (count === 0) {
        verdict(true, 'every row passes');
        continue;
      }
      const others = [...types.keys()].filter((c) => c !== column).slice(0, SAMPLE_OTHER_COLUMNS);
      const shown = [column, ...others];
      const sample = (await conn.runAndReadAll(`SELECT ${[ROW, ...shown].map(quoteIdent).join(', ')} FROM (${flagged}) ORDER BY ${ROW} LIMIT ${sampleRows}`)).getRowsJS();
      const share = `${count} of ${rows} rows (${((100 * count) / rows).toPrecision(3)} %)`;
      verdict(false, share, count, {
        $visual: 'table',
        title: `${describeExpectation(e)}: ${count} failing row${count === 1 ? '' : 's'}${count > sample.length ? `, first ${sample.length}` : ''}`,
        columns: ['Row', ...shown],
        rows: sample.map((r) => r.map(cell)),
      });
    }
    return { rows, results };
  });
}

export default implement(definition, async ({ params, inputs, ctx }) => {
  const { rows, results } = await runExpectations(await tablePath(inputs.table), params.expectations, params.sampleRows);
  const failed = results.filter((r) => !r.passed && r.severity === 'fail');
  const warned = results.filter((r) => !r.passed && r.severity === 'warn');
  ctx.progress(`${results.length - failed.length - warned.length} of ${results.length} expectations met`);
  const overview: TableVisual = {
    $visual: 'table',
    title: 'Expectations',
    columns: ['Expectation', 'Result', 'Failing rows', 'Detail'],
    rows: results.map((r) => [r.expectation, r.passed ? 'passed' : r.severity === 'fail' ? 'failed' : 'warning', r.failingRows, r.detail]),
  };
  const samples = Object.fromEntries(results.filter((r) => r.sample).slice(0, 20).map((r, i) => [`failingRows${i + 1}`, r.sample!]));
  const summary = {
    rows,
    expectationsMet: results.length - failed.length - warned.length,
    expectationsFailed: failed.length,
    expectationsWarned: warned.length,
    expectations: overview,
    ...samples,
  };
  if (failed.length > 0) {
    return {
      outcome: 'failed',
      outputs: {},
      summary,
      message: `Data checks failed: ${failed.map((r) => `${r.expectation} (${r.detail})`).join('; ')}`,
    };
  }
  return { outputs: { table: inputs.table }, summary };
});
