import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { http, step, waitForRun } from '../support/http';
import { pandas } from '../support/pandas';

// The example pipelines that ship with Millrace: seeded on first start, they compile and run on the real stack
// to a deployed endpoint, with metrics in the range these data sets allow and endpoints that answer raw rows.
// What they learn is checked against pandas and scikit-learn run on the tables the steps wrote.

let sql: postgres.Sql;
const artifactPath = (hash: string) => path.join(inject('dataDir'), 'artifacts', hash.slice(0, 2), hash);

async function tableOf(runId: string, nodeId: string, port: string): Promise<string> {
  const [row] = await sql`select outputs from run_steps where run_id = ${runId} and node_id = ${nodeId}`;
  return artifactPath((row!.outputs as Record<string, { hash: string }>)[port]!.hash);
}

beforeAll(() => {
  sql = postgres(inject('databaseUrl'), { max: 2, onnotice: () => {} });
});
afterAll(() => sql.end());

/** The fill values an impute step reports, by column. */
function learned(summary: any): Record<string, unknown> {
  return Object.fromEntries((summary.learned.rows as unknown[][]).map(([column, , value]) => [column as string, value]));
}

async function runExample(name: string) {
  const saved = await http('GET', `/api/v1/pipelines/${name}`);
  expect(saved.status, `${name} is seeded`).toBe(200);
  const started = await http('POST', `/api/v1/pipelines/${name}/runs`);
  expect(started.status).toBe(202);
  const run = await waitForRun(started.data.runId, { timeoutMs: 240_000 });
  expect(run.status, JSON.stringify(run.steps.filter((s: any) => s.status !== 'succeeded'))).toBe('succeeded');
  for (const s of run.steps) expect(s.status, s.nodeId).toBe('succeeded');
  return { ...run, runId: started.data.runId as string };
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
    // Fill values and island averages come from the training rows only, as pandas computes them there.
    const reference = pandas<{ fill: Record<string, unknown>; islands: [string, number, number][] }>(
      `
raw = pd.read_parquet(args['split'])
fill = {
    'Beak Length (mm)': raw['Beak Length (mm)'].mean(), 'Beak Depth (mm)': raw['Beak Depth (mm)'].mean(),
    'Flipper Length (mm)': raw['Flipper Length (mm)'].median(), 'Body Mass (g)': raw['Body Mass (g)'].median(),
    'Beak ratio': raw['Beak ratio'].median(), 'Sex': raw['Sex'].mode().sort_values().iloc[0],
}
filled = pd.read_parquet(args['filled'])
g = filled.groupby('Island').agg(n=('Island', 'size'), mass=('Body Mass (g)', 'mean')).reset_index()
out = {'fill': {k: (float(v) if not isinstance(v, str) else v) for k, v in fill.items()}, 'islands': g.values.tolist()}
`,
      { split: await tableOf(run.runId, 'split', 'train'), filled: await tableOf(run.runId, 'fill', 'train') },
    );
    const fill = learned(step(run, 'fill').summary);
    for (const [column, value] of Object.entries(reference.fill)) {
      if (typeof value === 'number') expect(fill[column], column).toBeCloseTo(value, 9);
      else expect(fill[column], column).toBe(value);
    }
    const islands = pandas<[string, number, number][]>(
      "t = pd.read_parquet(args['f']).sort_values('Island'); out = t[['Island', 'Penguins on island', 'Island mean mass (g)']].values.tolist()",
      { f: await tableOf(run.runId, 'island', 'table') },
    );
    expect(islands.map(([island, n]) => [island, n])).toEqual(reference.islands.map(([island, n]) => [island, n]));
    islands.forEach(([, , mass], i) => expect(mass).toBeCloseTo(reference.islands[i]![2], 9));

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

    // The same forest fitted by scikit-learn on the same training and test tables scores about the same, and
    // the medians that filled missing horsepower are the training rows' own.
    const reference = pandas<{ medians: Record<string, number>; r2: number; rmse: number }>(
      `
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import mean_squared_error, r2_score
raw = pd.read_parquet(args['split'])
medians = {c: float(raw[c].median()) for c in ['Horsepower', 'Horsepower per 1000 lbs']}
train, test = pd.read_parquet(args['train']), pd.read_parquet(args['test'])
def features(df):
    return pd.get_dummies(df.drop(columns=['Miles_per_Gallon']), columns=['Origin'], dtype=float)
x_train = features(train)
x_test = features(test).reindex(columns=x_train.columns, fill_value=0.0)
forest = RandomForestRegressor(n_estimators=100, min_samples_leaf=2, random_state=1).fit(x_train, train['Miles_per_Gallon'])
predicted = forest.predict(x_test)
out = {'medians': medians, 'r2': float(r2_score(test['Miles_per_Gallon'], predicted)), 'rmse': float(mean_squared_error(test['Miles_per_Gallon'], predicted) ** 0.5)}
`,
      {
        split: await tableOf(run.runId, 'split', 'train'),
        train: await tableOf(run.runId, 'fill', 'train'),
        test: await tableOf(run.runId, 'fill', 'applied'),
      },
    );
    const fill = learned(step(run, 'fill').summary);
    for (const [column, median] of Object.entries(reference.medians)) expect(fill[column], column).toBeCloseTo(median, 9);
    expect(Math.abs(evaluation.r2 - reference.r2)).toBeLessThan(0.03);
    expect(Math.abs(evaluation.rmse - reference.rmse) / reference.rmse).toBeLessThan(0.1);
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
