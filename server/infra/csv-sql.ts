import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from './duckdb';
import type { CsvHeader } from './csv-header';

// The SQL of reading a CSV upload strictly: a fixed dialect from the header line, column types from
// DuckDB's sample, integer columns checked so a late "1.5" is never rounded.

export type DuckConn = DuckDBConnection;

/** Fixed dialect, no skipped lines: DuckDB's sniffer may otherwise pick another reading of a broken file. */
export function csvDialect(header: CsvHeader): string {
  return `header = true, skip = 0, delim = ${quoteLiteral(header.delimiter)}, quote = '"', escape = '"', comment = '', strict_mode = true`;
}

export const INTEGER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;
export const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
export const WIDEN_MARK = 'millrace: value does not fit column ';

export interface CsvColumn {
  name: string;
  type: string;
}

/** Column names and types from DuckDB's sample, plus the date formats it found (as read_csv options). */
export async function sniffCsv(conn: DuckConn, file: string, dialect: string): Promise<{ columns: CsvColumn[]; formats: string }> {
  const r = await conn.runAndReadAll(`SELECT Columns, DateFormat, TimestampFormat FROM sniff_csv(${file}, ${dialect})`);
  const row = r.getRowObjectsJS()[0] as { Columns: { name: string; type: string }[]; DateFormat: string | null; TimestampFormat: string | null };
  const formats = [
    row.DateFormat ? `, dateformat = ${quoteLiteral(row.DateFormat)}` : '',
    row.TimestampFormat ? `, timestampformat = ${quoteLiteral(row.TimestampFormat)}` : '',
  ].join('');
  return { columns: row.Columns.map((c) => ({ name: String(c.name), type: String(c.type) })), formats };
}

/**
 * The table with integer columns (read as text) cast in SQL: a value that is not a whole number written
 * as one ("1.5", "1.0", "abc") raises an error marked for widening instead of being rounded.
 */
export function strictSelect(columns: CsvColumn[], reader: string): string {
  const inner = columns.map((c, i) =>
    INTEGER_TYPES.test(c.type) ? `${quoteIdent(c.name)}, TRY_CAST(${quoteIdent(c.name)} AS ${c.type}) AS "#int${i}"` : quoteIdent(c.name),
  );
  const outer = columns.map((c, i) => {
    if (!INTEGER_TYPES.test(c.type)) return quoteIdent(c.name);
    const mark = quoteLiteral(`${WIDEN_MARK}${i}: `);
    return `CASE WHEN ${notInteger(c, `"#int${i}"`)} THEN error(concat(${mark}, ${quoteIdent(c.name)})) ELSE "#int${i}" END AS ${quoteIdent(c.name)}`;
  });
  return `SELECT ${outer.join(', ')} FROM (SELECT ${inner.join(', ')} FROM ${reader})`;
}

/** True for a text value that is not a whole number of the column's type (given its TRY_CAST). */
export function notInteger(c: CsvColumn, cast: string): string {
  const v = quoteIdent(c.name);
  return `((${cast} IS NULL AND ${v} IS NOT NULL) OR contains(${v}, '.'))`;
}


/** read_csv with the fixed dialect and types; integer columns are read as text for strictSelect to check. */
export function csvReader(file: string, dialect: string, formats: string, columns: CsvColumn[]): string {
  const asRead = columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(INTEGER_TYPES.test(c.type) ? 'VARCHAR' : c.type)}`);
  return `read_csv(${file}, ${dialect}, auto_detect = false${formats}, columns = {${asRead.join(', ')}})`;
}
