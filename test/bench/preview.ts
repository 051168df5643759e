// Benchmark: the data preview's SQL (server/infra/table-preview.ts) on a 3M-row Parquet file, each row
// alternating with DuckDB doing the nearest thing on its own, so both see the same load.
import path from 'node:path';
import { describeParquet, quoteLiteral, withDuckDb } from '../../server/infra/duckdb';
import { parquetStats, previewParquet } from '../../server/infra/table-preview';
import { result, type BenchResult } from './result';
import { since } from './stats';

const REPS = 5;
const PAGE = 200;

/** Times `a` and `b` alternately, after one untimed call of each. */
async function alternate(reps: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number[], number[]]> {
  await a();
  await b();
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < reps; i++) {
    let t = performance.now();
    await a();
    ta.push(since(t));
    t = performance.now();
    await b();
    tb.push(since(t));
  }
  return [ta, tb];
}

export async function runPreviewBenchmarks(repoRoot: string): Promise<{ results: BenchResult[]; figures: Record<string, number> }> {
  const file = path.join(repoRoot, 'node_modules/vega-datasets/data/flights-3m.parquet');
  const { rows, columns } = await describeParquet(file);
  const src = `read_parquet(${quoteLiteral(file)})`;
  const input = `${rows.toLocaleString('en')} rows × ${columns.length} columns (${columns.map((c) => c.type).join(', ')})`;
  const out: BenchResult[] = [];
  const figures: Record<string, number> = {};

  const [summarize, stats] = await alternate(
    REPS,
    () => withDuckDb((conn) => conn.runAndReadAll(`SUMMARIZE SELECT * FROM ${src}`)),
    () => parquetStats(file, columns),
  );
  const base = result({ group: 'preview', name: 'DuckDB SUMMARIZE flights-3m', input, size: rows, sizeUnit: 'rows', samplesMs: summarize, throughputUnit: 'rows/s', notes: "DuckDB's own per-column summary (min, max, approximate distinct, quantiles, null %): the baseline of the next row" });
  const mine = result({
    group: 'preview',
    name: 'parquetStats flights-3m',
    input,
    size: rows,
    sizeUnit: 'rows',
    samplesMs: stats,
    throughputUnit: 'rows/s',
    notes: 'per column: nulls, exact distinct, min, max, then a 10-bin histogram (numbers) or the 10 most frequent values (text): two scans per column',
  });
  mine.ratio = { value: mine.ms.median / base.ms.median, to: 'DuckDB SUMMARIZE (time)' };
  figures['parquetStats ÷ SUMMARIZE (time)'] = Number(mine.ratio.value.toFixed(3));
  out.push(base, mine);

  const offset = Math.max(0, Math.floor(rows * 0.66));
  const [raw, page] = await alternate(
    REPS * 4,
    () => withDuckDb((conn) => conn.runAndReadAll(`SELECT * FROM ${src} LIMIT ${PAGE} OFFSET ${offset}`)),
    () => previewParquet(file, columns, offset, PAGE),
  );
  const rawRow = result({ group: 'preview', name: `DuckDB page of ${PAGE} rows at offset ${offset.toLocaleString('en')}`, input, size: PAGE, sizeUnit: 'rows', samplesMs: raw, notes: 'the same SELECT … LIMIT … OFFSET, read into DuckDB values only: the baseline of the next row' });
  const pageRow = result({
    group: 'preview',
    name: `previewParquet page of ${PAGE} rows at offset ${offset.toLocaleString('en')}`,
    input,
    size: PAGE,
    sizeUnit: 'rows',
    samplesMs: page,
    notes: 'what one scroll of the preview costs the server: the SELECT plus rows as JSON values',
  });
  pageRow.ratio = { value: pageRow.ms.median / rawRow.ms.median, to: 'DuckDB page (time)' };
  figures['previewParquet page ÷ DuckDB page (time)'] = Number(pageRow.ratio.value.toFixed(3));
  out.push(rawRow, pageRow);
  return { results: out, figures };
}
