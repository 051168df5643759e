import { quoteIdent, quoteLiteral, withDuckDb, type ColumnInfo } from './duckdb';

// Pages of rows and per-column statistics of a Parquet table, computed by DuckDB: one implementation for
// dataset versions and run outputs alike.

/** Most rows one page may hold. */
export const PREVIEW_MAX_LIMIT = 500;
export const HISTOGRAM_BINS = 10;

export interface ColumnStats {
  name: string;
  type: string;
  nulls: number;
  distinct: number;
  min: string | number | null;
  max: string | number | null;
  /** Numeric columns: equal-width bins between min and max. Others: the most frequent values. */
  histogram: { label: string; count: number }[];
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL|DECIMAL.*)$/i;

const source = (file: string) => `read_parquet(${quoteLiteral(file)})`;

/** Rows `offset…offset+limit` in file order, as JSON values (dates, decimals and integers past 2^53 as strings). */
export async function previewParquet(file: string, columns: ColumnInfo[], offset: number, limit: number): Promise<Record<string, unknown>[]> {
  const rows = await withDuckDb(async (conn) => {
    const r = await conn.runAndReadAll(`SELECT * FROM ${source(file)} LIMIT ${Math.trunc(limit)} OFFSET ${Math.trunc(offset)}`);
    return r.getRowObjectsJson() as Record<string, unknown>[];
  });
  // Big integers come as strings (exact); those a JavaScript number holds exactly become numbers.
  const integers = columns.filter((c) => /INT/i.test(c.type)).map((c) => c.name);
  for (const row of rows) {
    for (const c of integers) {
      const x = row[c];
      if (typeof x === 'string' && Number.isSafeInteger(Number(x))) row[c] = Number(x);
    }
  }
  return rows;
}

/** Nulls, distinct values, min, max and a small histogram (or top values) of every column. */
export async function parquetStats(file: string, columns: ColumnInfo[]): Promise<ColumnStats[]> {
  const src = source(file);
  return withDuckDb(async (conn) => {
    const out: ColumnStats[] = [];
    for (const c of columns) {
      const col = quoteIdent(c.name);
      const numeric = NUMERIC.test(c.type);
      const agg = await conn.runAndReadAll(
        `SELECT count(*) FILTER (WHERE ${col} IS NULL)::DOUBLE AS nulls, count(DISTINCT ${col})::DOUBLE AS distinct_,
          ${numeric ? `min(${col})::DOUBLE` : `min(${col})::VARCHAR`} AS mn, ${numeric ? `max(${col})::DOUBLE` : `max(${col})::VARCHAR`} AS mx
         FROM ${src}`,
      );
      const a = agg.getRowObjectsJS()[0]!;
      const mn = a.mn as number | string | null;
      const mx = a.mx as number | string | null;
      let histogram: ColumnStats['histogram'] = [];
      if (numeric && typeof mn === 'number' && typeof mx === 'number') {
        const width = (mx - mn) / HISTOGRAM_BINS;
        const h = await conn.runAndReadAll(
          width > 0
            ? `SELECT least(floor((${col}::DOUBLE - ${mn}) / ${width}), ${HISTOGRAM_BINS - 1})::INTEGER AS b, count(*)::DOUBLE AS n
               FROM ${src} WHERE ${col} IS NOT NULL GROUP BY 1 ORDER BY 1`
            : `SELECT 0 AS b, count(*)::DOUBLE AS n FROM ${src} WHERE ${col} IS NOT NULL`,
        );
        const counts = new Map(h.getRowObjectsJS().map((r) => [Number(r.b), Number(r.n)]));
        const bins = width > 0 ? HISTOGRAM_BINS : 1;
        histogram = Array.from({ length: bins }, (_, i) => ({
          label: `${round(mn + i * width)}–${round(i === bins - 1 ? mx : mn + (i + 1) * width)}`,
          count: counts.get(i) ?? 0,
        }));
      } else if (!numeric) {
        const h = await conn.runAndReadAll(
          `SELECT ${col}::VARCHAR AS value, count(*)::DOUBLE AS n FROM ${src} WHERE ${col} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${HISTOGRAM_BINS}`,
        );
        histogram = h.getRowObjectsJS().map((r) => ({ label: String(r.value), count: Number(r.n) }));
      }
      out.push({ name: c.name, type: c.type, nulls: Number(a.nulls), distinct: Number(a.distinct_), min: mn, max: mx, histogram });
    }
    return out;
  });
}

function round(x: number): number {
  return Number(x.toPrecision(4));
}
