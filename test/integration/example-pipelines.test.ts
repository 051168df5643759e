import { describe, expect, it } from 'vitest';
import { http, step, waitForRun } from '../support/http';

// The example pipelines that ship with Millrace: seeded on first start, they compile and run on the real stack
// to a deployed endpoint, with metrics in the range these data sets allow and endpoints that answer raw rows.

async function runExample(name: string) {
  const saved = await http('GET', `/api/v1/pipelines/${name}`);
  expect(saved.status, `${name} is seeded`).toBe(200);
  const started = await http('POST', `/api/v1/pipelines/${name}/runs`);
  expect(started.status).toBe(202);
  const run = await waitForRun(started.data.runId, { timeoutMs: 240_000 });
  expect(run.status, JSON.stringify(run.steps.filter((s: any) => s.status !== 'succeeded'))).toBe('succeeded');
  for (const s of run.steps) expect(s.status, s.nodeId).toBe('succeeded');
  return run;
}

describe('the example pipelines', () => {
  it('penguin-features: checks, derives, fills, joins island averages learned on the training rows, and deploys an accurate model', async () => {
    const run = await runExample('penguin-features');
    expect(step(run, 'load').summary.rows).toBe(344);
    expect(step(run, 'check').summary.expectationsFailed).toBe(0);
    const split = step(run, 'split').summary;
    expect(split.trainRows + split.testRows).toBe(344);
    // Three islands, counted over the training rows only.
    const island = step(run, 'island').summary;
    expect(island.rows).toBe(3);
    const evaluation = step(run, 'eval').summary;
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(evaluation.accuracy).toBeLessThanOrEqual(1);
    expect(evaluation.f1_macro).toBeGreaterThanOrEqual(0.85);
    expect([...evaluation.confusion.labels].sort()).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(step(run, 'gate').summary.passed).toBe(true);
    expect(step(run, 'ship').summary.endpoint).toBe('penguin-features');

    const endpoint = await http('GET', '/api/v1/endpoints/penguin-features');
    expect(endpoint.data.features.map((f: any) => f.name)).toEqual(
      expect.arrayContaining(['Beak ratio', 'Penguins on island', 'Island mean mass (g)']),
    );
    // The engineered columns are part of the model's input: a caller sends them with the raw ones.
    const gentoo = { Island: 'Biscoe', 'Beak Length (mm)': 48.6, 'Beak Depth (mm)': 16, 'Flipper Length (mm)': 230, 'Body Mass (g)': 5800, Sex: 'MALE', 'Beak ratio': 48.6 / 16 };
    const adelie = { Island: 'Torgersen', 'Beak Length (mm)': 39.1, 'Beak Depth (mm)': 18.7, 'Flipper Length (mm)': 181, 'Body Mass (g)': 3750, Sex: 'MALE', 'Beak ratio': 39.1 / 18.7 };
    const withIsland = (row: Record<string, unknown>, count: number, mass: number, flipper: number) => ({
      ...row,
      'Penguins on island': count,
      'Island mean mass (g)': mass,
      'Island mean flipper (mm)': flipper,
    });
    const res = await http('POST', '/api/v1/endpoints/penguin-features/predict', {
      rows: [withIsland(gentoo, 125, 4700, 209), withIsland(adelie, 40, 3700, 191)],
    });
    expect(res.status, JSON.stringify(res.data)).toBe(200);
    expect(res.data.predictions).toEqual(['Gentoo', 'Adelie']);
  });

  it('car-mileage: checks, filters, derives model year and power to weight, fills horsepower and deploys a regression that explains most of the variance', async () => {
    const run = await runExample('car-mileage');
    expect(step(run, 'load').summary.rows).toBe(406);
    // Eight cars have no mileage: the check warns, the filter leaves them out.
    const check = step(run, 'check').summary;
    expect(check.expectationsFailed).toBe(0);
    expect(check.expectationsWarned).toBe(2);
    const split = step(run, 'split').summary;
    expect(split.trainRows + split.testRows).toBe(398);
    const evaluation = step(run, 'eval').summary;
    expect(evaluation.r2).toBeGreaterThanOrEqual(0.75);
    expect(evaluation.r2).toBeLessThan(1);
    expect(evaluation.rmse).toBeGreaterThan(1);
    expect(evaluation.rmse).toBeLessThanOrEqual(4.5);
    expect(evaluation.mae).toBeLessThanOrEqual(evaluation.rmse);
    expect(step(run, 'gate').summary.passed).toBe(true);
    expect(step(run, 'ship').summary.endpoint).toBe('car-mileage');

    const car = (hp: number | null, weight: number, cylinders: number, displacement: number, acceleration: number, year: number, origin: string) => ({
      Cylinders: cylinders,
      Displacement: displacement,
      Horsepower: hp,
      Weight_in_lbs: weight,
      Acceleration: acceleration,
      Origin: origin,
      'Model year': year,
      'Horsepower per 1000 lbs': hp === null ? null : (hp * 1000) / weight,
    });
    const res = await http('POST', '/api/v1/endpoints/car-mileage/predict', {
      rows: [
        car(67, 1965, 4, 98, 15, 1980, 'Japan'), // a light four-cylinder: above 30 mpg in the data
        car(215, 4735, 8, 440, 11, 1970, 'USA'), // a heavy V8: about 13 mpg in the data
        car(null, 2500, 4, 120, 16, 1976, 'Europe'), // missing horsepower is filled by the learned median
      ],
    });
    expect(res.status, JSON.stringify(res.data)).toBe(200);
    const [light, heavy, unknown] = res.data.predictions as number[];
    expect(light).toBeGreaterThan(28);
    expect(heavy).toBeLessThan(17);
    expect(unknown).toBeGreaterThan(15);
    expect(unknown).toBeLessThan(40);
  });
});
