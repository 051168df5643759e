import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeParquet, quoteLiteral, withDuckDb } from '../../server/infra/duckdb';
import { parquetStats, previewParquet } from '../../server/infra/table-preview';

// The SQL behind every table preview, against real DuckDB on a small Parquet file.

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-preview-'));
  file = path.join(dir, 't.parquet');
  await withDuckDb((conn) =>
    conn.run(
      `COPY (SELECT i::BIGINT AS id, CASE WHEN i % 5 = 0 THEN NULL ELSE i * 1.5 END::DOUBLE AS x, CASE WHEN i % 3 = 0 THEN 'a' ELSE 'b' END AS label,
              (9007199254740993 + i)::BIGINT AS big
             FROM range(0, 250) t(i)) TO ${quoteLiteral(file)} (FORMAT parquet)`,
    ),
  );
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

describe('previewParquet', () => {
  it('pages rows in file order; integers a number holds exactly become numbers, bigger ones stay exact strings', async () => {
    const { columns } = await describeParquet(file);
    const page = await previewParquet(file, columns, 200, 100);
    expect(page).toHaveLength(50);
    expect(page[0]).toEqual({ id: 200, x: null, label: 'b', big: '9007199254741193' });
    expect(page[1]).toMatchObject({ id: 201, x: 301.5 });
  });
});

describe('parquetStats', () => {
  it('counts nulls and distinct values, gives min and max, bins numbers and ranks text values', async () => {
    const { columns } = await describeParquet(file);
    const stats = await parquetStats(file, columns);
    const x = stats.find((c) => c.name === 'x')!;
    expect(x).toMatchObject({ type: 'DOUBLE', nulls: 50, distinct: 200, min: 1.5, max: 373.5 });
    expect(x.histogram).toHaveLength(10);
    expect(x.histogram.reduce((n, b) => n + b.count, 0)).toBe(200);
    const label = stats.find((c) => c.name === 'label')!;
    expect(label).toMatchObject({ type: 'VARCHAR', nulls: 0, distinct: 2, min: 'a', max: 'b' });
    expect(label.histogram).toEqual([
      { label: 'b', count: 166 },
      { label: 'a', count: 84 },
    ]);
  });
});
