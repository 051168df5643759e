import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeParquet } from '../../server/infra/duckdb';
import { applyChainToRows, missingRequestColumns, requestColumns, transformChainOf, type TransformChain } from '../../workflows/core/transforms';
import { applyTransformFile, learnEncode, learnImpute, learnScale } from '../../workflows/steps/kit/learned-transform';
import { readParquet, tempDir, writeParquet } from '../support/tables';

const dir = await tempDir('transforms');
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

const TRAIN = `SELECT
  CASE WHEN i % 7 = 0 THEN NULL ELSE 3000 + (i * 37 % 1000) * 1.25 END::DOUBLE AS "body mass (g)",
  CASE WHEN i % 5 = 0 THEN NULL ELSE 170 + (i * 13 % 50) END::BIGINT AS "flipper length",
  CASE WHEN i % 9 = 0 THEN NULL ELSE ['Biscoe', 'Dream "north"', 'O''Hare', 'Ærø'][1 + (i * 7) % 4] END AS "island name",
  CASE WHEN i % 4 = 0 THEN NULL ELSE ['M', 'F'][1 + i % 2] END AS "sex",
  CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 0 END AS "is adult?"
FROM range(120) t(i)`;
const RAW = `SELECT * FROM (VALUES
  (NULL::DOUBLE, NULL::BIGINT, NULL::VARCHAR, NULL::VARCHAR, NULL::BOOLEAN),
  (1e12, 999999, 'never seen ☃', 'X', true),
  (-5.5, 180, 'Ærø', 'F', NULL),
  (3001.25, NULL, 'O''Hare', NULL, false)
) t("body mass (g)", "flipper length", "island name", "sex", "is adult?")`;

describe('learned transforms: the SQL path and the per-row path agree', () => {
  it('impute → one-hot → ordinal → standard scale → min-max, on the same raw rows (real DuckDB)', async () => {
    const train = path.join(dir, 'train.parquet');
    const raw = path.join(dir, 'raw.parquet');
    let trainSchema = await writeParquet(train, TRAIN);
    let rawSchema = await writeParquet(raw, RAW);
    const chain: TransformChain = [];
    const steps = [
      (f: string, s: typeof trainSchema) =>
        learnImpute(f, s, [
          { column: 'body mass (g)', strategy: 'median' },
          { column: 'flipper length', strategy: 'mean' },
          { column: 'island name', strategy: 'mode' },
        ]),
      (f: string, s: typeof trainSchema) => learnEncode(f, s, ['island name', 'is adult?'], 'onehot'),
      (f: string, s: typeof trainSchema) => learnEncode(f, s, ['sex'], 'ordinal'),
      (f: string, s: typeof trainSchema) => learnScale(f, s, ['body mass (g)'], 'standard'),
      (f: string, s: typeof trainSchema) => learnScale(f, s, ['flipper length'], 'minmax'),
    ];
    let trainFile = train;
    let rawFile = raw;
    for (const [i, learn] of steps.entries()) {
      const spec = await learn(trainFile, trainSchema);
      chain.push(spec);
      const nextTrain = path.join(dir, `train-${i}.parquet`);
      const nextRaw = path.join(dir, `raw-${i}.parquet`);
      await applyTransformFile(spec, trainFile, trainSchema, nextTrain);
      await applyTransformFile(spec, rawFile, rawSchema, nextRaw);
      [trainFile, rawFile] = [nextTrain, nextRaw];
      trainSchema = (await describeParquet(trainFile)).columns;
      rawSchema = (await describeParquet(rawFile)).columns;
    }
    const bySql = await readParquet(rawFile);
    const byRow = applyChainToRows(chain, await readParquet(raw)) as Record<string, unknown>[];
    expect(byRow).toHaveLength(bySql.length);
    bySql.forEach((row, i) => {
      // Same columns (order aside: a JSON row has no column order) and the very same values.
      expect(Object.keys(byRow[i]!).sort()).toEqual(Object.keys(row).sort());
      for (const [k, v] of Object.entries(row)) expect(byRow[i]![k], `row ${i} "${k}"`).toStrictEqual(v);
    });
    // The chain is plain data that survives JSON (it travels in artifact and model metadata).
    expect(transformChainOf(JSON.parse(JSON.stringify({ transforms: chain })))).toEqual(chain);
    expect(bySql[1]!['island name_never seen ☃']).toBeUndefined();
    expect(bySql[1]!.sex).toBe(-1);
    // What a request to a model trained on these columns must carry: the raw columns again.
    expect(requestColumns(chain, Object.keys(bySql[0]!)).sort()).toEqual(Object.keys((await readParquet(raw))[0]!).sort());
  });

  it('names the raw columns a request lacks', () => {
    expect(missingRequestColumns(['a', 'b c'], [{ a: 1, 'b c': null }, { a: null }, 'not a row'])).toEqual([
      { row: 1, feature: 'b c', message: 'missing (use null for an unknown value)' },
    ]);
  });

  it('per row, values it cannot read are left for the scorer to report', () => {
    const [row] = applyChainToRows([{ kind: 'scale', columns: [{ name: 'x', method: 'standard', center: 1, scale: 2 }] }], [{ x: 'abc' }, { x: '5' }]) as Record<string, unknown>[];
    expect(row).toEqual({ x: 'abc' });
    expect(applyChainToRows([{ kind: 'scale', columns: [{ name: 'x', method: 'standard', center: 1, scale: 2 }] }], [{ x: '5' }, 7])).toEqual([{ x: 2 }, 7]);
  });
});
