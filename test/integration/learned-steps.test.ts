import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadModel, releaseModel, score } from '../../server/infra/scorer';
import type { ModelMeta } from '../../server/infra/fitter';
import { transformChainOf } from '../../workflows/core/transforms';
import { http as request, step, waitForRun } from '../support/http';
import { pandas } from '../support/tables';

// The steps that learn from data, end to end on the real stack: a pipeline that fills, splits, scales and
// encodes penguins (from the bundled example data), trains and deploys; the endpoint, given raw rows with
// missing values, answers exactly as the model scores the rows transformed by hand from the values pandas
// learns on the same training rows. And ingest.url against a local server the allow-list lets through.

let sql: postgres.Sql;
const artifactPath = (hash: string) => path.join(inject('dataDir'), 'artifacts', hash.slice(0, 2), hash);

const pipeline = {
  apiVersion: 'millrace/v1',
  name: 'penguins-learned',
  nodes: [
    { id: 'load', type: 'ingest.sample', params: { sample: 'penguins' } },
    {
      id: 'fill',
      type: 'prepare.impute',
      params: {
        columns: [
          { column: 'Body Mass (g)', strategy: 'mean' },
          { column: 'Beak Length (mm)', strategy: 'median' },
          { column: 'Sex', strategy: 'mode' },
        ],
      },
    },
    { id: 'split', type: 'prepare.split', params: { testFraction: 0.25, seed: 3, stratifyBy: 'Species' } },
    { id: 'scale', type: 'prepare.scale', params: { columns: ['Beak Length (mm)', 'Body Mass (g)'] } },
    { id: 'encode', type: 'prepare.encode', params: { columns: ['Island'] } },
    { id: 'train', type: 'train.logistic_regression', params: { target: 'Species' } },
    { id: 'eval', type: 'validate.evaluate' },
    { id: 'ship', type: 'deploy.endpoint', params: { endpoint: 'penguins-learned' } },
  ],
  edges: [
    { from: 'load.table', to: 'fill.train' },
    { from: 'fill.train', to: 'split.table' },
    { from: 'split.train', to: 'scale.train' },
    { from: 'split.test', to: 'scale.apply' },
    { from: 'scale.train', to: 'encode.train' },
    { from: 'scale.applied', to: 'encode.apply' },
    { from: 'encode.train', to: 'train.table' },
    { from: 'train.model', to: 'eval.model' },
    { from: 'encode.applied', to: 'eval.table' },
    { from: 'train.model', to: 'ship.model' },
  ],
};

async function outputsOf(runId: string, nodeId: string) {
  const [row] = await sql`select outputs from run_steps where run_id = ${runId} and node_id = ${nodeId}`;
  return row!.outputs as Record<string, { hash: string; meta: Record<string, unknown> }>;
}

beforeAll(() => {
  sql = postgres(inject('databaseUrl'), { max: 2, onnotice: () => {} });
});
afterAll(() => sql.end());

describe('learned transforms end to end', () => {
  it('impute → split → scale/encode → train → deploy: the endpoint answers raw rows as the model scores them transformed', async () => {
    expect((await request('PUT', '/api/v1/pipelines/penguins-learned', pipeline)).status).toBe(200);
    const started = await request('POST', '/api/v1/pipelines/penguins-learned/runs');
    const run = await waitForRun(started.data.runId);
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    const runId = started.data.runId as string;

    // The chain travelled through split (which knows nothing of it) into the model version.
    const [version] = await sql`select meta, artifact_hash from model_versions where run_id = ${runId} and node_id = 'train'`;
    const meta = version!.meta as ModelMeta & { transforms: unknown };
    expect(transformChainOf(meta as unknown as Record<string, unknown>).map((t) => t.kind)).toEqual(['impute', 'scale', 'encode']);
    expect(step(run, 'scale').summary.appliedRows).toBe((await outputsOf(runId, 'split')).test!.meta.rows);

    // Learned independently: fills from the loaded table, scaling and categories from the training rows only.
    const loaded = artifactPath((await outputsOf(runId, 'load')).table!.hash);
    const train = artifactPath((await outputsOf(runId, 'split')).train!.hash);
    const raw = [
      { Island: 'Dream', 'Beak Length (mm)': null, 'Beak Depth (mm)': 17.1, 'Flipper Length (mm)': 195, 'Body Mass (g)': null, Sex: null },
      { Island: 'Biscoe', 'Beak Length (mm)': 49.5, 'Beak Depth (mm)': 15.2, 'Flipper Length (mm)': 221, 'Body Mass (g)': 5400, Sex: 'MALE' },
      { Island: 'Atlantis', 'Beak Length (mm)': 38.2, 'Beak Depth (mm)': 18.9, 'Flipper Length (mm)': 187, 'Body Mass (g)': 3500, Sex: 'FEMALE' },
    ];
    const transformed = pandas(
      `
src = pd.read_parquet(d['loaded']); tr = pd.read_parquet(d['train'])
fill = {'Body Mass (g)': src['Body Mass (g)'].mean(), 'Beak Length (mm)': src['Beak Length (mm)'].median(), 'Sex': src['Sex'].mode().iloc[0]}
islands = sorted(tr['Island'].dropna().unique())
out = []
for r in d['rows']:
    r = dict(r)
    for k, v in fill.items():
        if r[k] is None: r[k] = v.item() if hasattr(v, 'item') else v
    for c in ['Beak Length (mm)', 'Body Mass (g)']:
        r[c] = (r[c] - tr[c].mean()) / tr[c].std(ddof=0)
    for i in islands: r['Island_' + i] = 1 if r['Island'] == i else 0
    del r['Island']
    out.append(r)
print(json.dumps(out))
`,
      { loaded, train, rows: raw },
    );
    expect(Object.keys(transformed[0]).sort()).toEqual(meta.features.map((f) => f.name).sort());

    // The endpoint describes and checks requests in raw columns.
    const described = await request('GET', '/api/v1/endpoints/penguins-learned');
    expect([...described.data.requestColumns].sort()).toEqual(Object.keys(raw[0]!).sort());
    const { Island: _island, ...withoutIsland } = raw[1]!;
    const refused = await request('POST', '/api/v1/endpoints/penguins-learned/predict', { rows: [raw[0], withoutIsland] });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.data)).toContain('row 1: feature \\"Island\\": missing (use null for an unknown value)');

    const answer = await request('POST', '/api/v1/endpoints/penguins-learned/predict', { rows: raw });
    expect(answer.status, JSON.stringify(answer.data)).toBe(200);
    const model = await loadModel(artifactPath(version!.artifact_hash as string), meta);
    try {
      const direct = await score(model, transformed);
      expect(answer.data.predictions).toEqual(direct.predictions);
      answer.data.probabilities.forEach((p: Record<string, number>, i: number) => {
        for (const [cls, v] of Object.entries(direct.probabilities![i]!)) expect(p[cls]).toBeCloseTo(v, 5);
      });
    } finally {
      await releaseModel(model);
    }
  });
});

describe('ingest.url on the stack', () => {
  let body = 'city,"rain (mm)"\nBergen,2250\n"Zürich ""north""",1100\n';
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/csv' });
    res.end(body);
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rain.csv`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const doc = (u: string) => ({ apiVersion: 'millrace/v1', name: 'rain', nodes: [{ id: 'get', type: 'ingest.url', params: { url: u, dataset: 'rain' } }], edges: [] });
  const runOnce = async (u: string) => {
    expect((await request('PUT', '/api/v1/pipelines/rain', doc(u))).status).toBe(200);
    const started = await request('POST', '/api/v1/pipelines/rain/runs');
    return waitForRun(started.data.runId);
  };

  it('registers new bytes as a new version and reuses the version for the same bytes', async () => {
    const first = await runOnce(url);
    expect(first.status, JSON.stringify(first)).toBe('succeeded');
    expect(step(first, 'get').summary).toMatchObject({ dataset: 'rain', version: 1, newVersion: true, rows: 2, format: 'csv' });
    const again = await runOnce(`${url}?again`); // another URL, same bytes
    expect(step(again, 'get').summary).toMatchObject({ version: 1, newVersion: false });
    body += 'Lima,6\n';
    const changed = await runOnce(`${url}?changed`);
    expect(step(changed, 'get').summary).toMatchObject({ version: 2, newVersion: true, rows: 3 });
  });

  it('fails the step, without retrying, for an address the allow-list does not list', async () => {
    const refused = await runOnce('http://169.254.169.254/latest/meta-data/');
    expect(refused.status).toBe('failed');
    expect(step(refused, 'get').error).toContain('Refused to fetch http://169.254.169.254: 169.254.169.254 is a link-local');
    expect(step(refused, 'get').attempts).toBe(1);
  });
});
