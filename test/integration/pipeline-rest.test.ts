import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { http, step, waitForRun } from '../support/http';

const example = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8'));

describe('the example pipeline through REST', () => {
  let runId: string;

  it('runs the seeded penguin pipeline to a deployed endpoint', async () => {
    // Every step runs (not reused from another test's run): this test counts attempts.
    const started = await http('POST', '/api/v1/pipelines/penguin-species/runs', { ignoreCache: true });
    expect(started.status).toBe(202);
    runId = started.data.runId;
    const statuses = new Set<string>();
    const run = await waitForRun(runId, { onPoll: (r) => r.steps.forEach((s: any) => statuses.add(`${s.nodeId}:${s.status}`)) });
    expect(run.status).toBe('succeeded');
    expect(run.pipeline).toBe('penguin-species');
    for (const s of run.steps) {
      expect(s.status, s.nodeId).toBe('succeeded');
      expect(s.attempts).toBe(1);
      expect(Date.parse(s.finishedAt)).toBeGreaterThanOrEqual(Date.parse(s.startedAt));
    }
    expect(step(run, 'load').summary.rows).toBe(344);
    const split = step(run, 'split').summary;
    expect(split.trainRows + split.testRows).toBe(344);
    expect(split.testRows).toBeGreaterThan(60);
    expect(split.testRows).toBeLessThan(75);
    const evalSummary = step(run, 'eval').summary;
    expect(evalSummary.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(evalSummary.confusion.labels.sort()).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(step(run, 'gate').summary.passed).toBe(true);
    expect(step(run, 'ship').summary.endpoint).toBe('penguins');
    // Status was visible live, not only at the end.
    expect([...statuses].some((s) => s.endsWith(':running') || s.endsWith(':pending'))).toBe(true);
  });

  it('describes the endpoint and predicts raw rows, including missing values', async () => {
    const ep = await http('GET', '/api/v1/endpoints/penguins');
    expect(ep.status).toBe(200);
    expect(ep.data.task).toBe('classification');
    expect(ep.data.target).toBe('Species');
    expect(ep.data.features.map((f: any) => f.name)).toContain('Beak Length (mm)');
    const rows = [
      { Island: 'Biscoe', 'Beak Length (mm)': 48.6, 'Beak Depth (mm)': 16, 'Flipper Length (mm)': 230, 'Body Mass (g)': 5800, Sex: 'MALE' },
      { Island: 'Torgersen', 'Beak Length (mm)': 39.1, 'Beak Depth (mm)': 18.7, 'Flipper Length (mm)': 181, 'Body Mass (g)': 3750, Sex: 'MALE' },
      { Island: 'Dream', 'Beak Length (mm)': null, 'Beak Depth (mm)': null, 'Flipper Length (mm)': null, 'Body Mass (g)': null, Sex: null },
    ];
    const res = await http('POST', '/api/v1/endpoints/penguins/predict', { rows });
    expect(res.status).toBe(200);
    expect(res.data.predictions).toHaveLength(3);
    expect(res.data.predictions[0]).toBe('Gentoo');
    expect(res.data.predictions[1]).toBe('Adelie');
    expect(['Adelie', 'Chinstrap', 'Gentoo']).toContain(res.data.predictions[2]);
    for (const p of res.data.probabilities) {
      const total = Object.values(p as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(total).toBeCloseTo(1, 4);
    }
    expect(res.data.modelVersion).toBeGreaterThanOrEqual(1);
  });

  it('answers bad prediction input with 400 naming the feature, and unknown endpoints with 404', async () => {
    const missing = await http('POST', '/api/v1/endpoints/penguins/predict', { rows: [{ Island: 'Biscoe' }] });
    expect(missing.status).toBe(400);
    expect(missing.data.error).toContain('Beak Length (mm)');
    const mistyped = await http('POST', '/api/v1/endpoints/penguins/predict', {
      rows: [{ Island: 'Biscoe', 'Beak Length (mm)': 'long', 'Beak Depth (mm)': 16, 'Flipper Length (mm)': 230, 'Body Mass (g)': 5800, Sex: 'MALE' }],
    });
    expect(mistyped.status).toBe(400);
    expect(mistyped.data.error).toContain('Beak Length (mm)');
    const notJson = await http('POST', '/api/v1/endpoints/penguins/predict', '{rows:', { 'content-type': 'application/json' });
    expect(notJson.status).toBe(400);
    expect(notJson.data.error).toMatch(/not valid JSON/);
    const noRows = await http('POST', '/api/v1/endpoints/penguins/predict', { rows: [] });
    expect(noRows.status).toBe(400);
    const unknown = await http('POST', '/api/v1/endpoints/no-such-endpoint/predict', { rows: [{ a: 1 }] });
    expect(unknown.status).toBe(404);
    expect(unknown.data.error).toContain('no-such-endpoint');
  });

  it('logs each prediction (in the background, within a second or so)', async () => {
    const { default: postgres } = await import('postgres');
    const { inject } = await import('vitest');
    const sql = postgres(inject('databaseUrl'), { max: 1 });
    try {
      const deadline = Date.now() + 5000;
      let n = 0;
      while (n < 1 && Date.now() < deadline) {
        const [row] = await sql`select count(*)::int as n from prediction_logs`;
        n = row!.n;
        if (n < 1) await new Promise((r) => setTimeout(r, 100));
      }
      expect(n).toBeGreaterThanOrEqual(1);
    } finally {
      await sql.end();
    }
  });
});

describe('pipelines through REST', () => {
  it('rejects an invalid document with node-addressed errors', async () => {
    const bad = structuredClone(example);
    bad.name = 'broken-pipeline';
    bad.nodes.find((n: any) => n.id === 'split').params.testFraction = 1.5;
    bad.nodes.push({ id: 'mystery', type: 'train.quantum', params: {} });
    bad.edges.push({ from: 'load.table', to: 'gate.metrics' });
    bad.edges = bad.edges.filter((e: any) => e.to !== 'eval.table');
    const res = await http('PUT', '/api/v1/pipelines/broken-pipeline', bad);
    expect(res.status).toBe(422);
    const errors = res.data.errors as any[];
    expect(errors).toContainEqual(expect.objectContaining({ nodeId: 'split', path: 'params.testFraction' }));
    expect(errors).toContainEqual(expect.objectContaining({ nodeId: 'mystery', code: 'unknown_type' }));
    expect(errors).toContainEqual(
      expect.objectContaining({ code: 'port_type_mismatch', edge: { from: 'load.table', to: 'gate.metrics' } }),
    );
    expect(errors).toContainEqual(expect.objectContaining({ nodeId: 'eval', path: 'inputs.table', code: 'missing_input' }));
    // Nothing was stored.
    expect((await http('GET', '/api/v1/pipelines/broken-pipeline')).status).toBe(404);
  });

  it('versions documents: a change makes a new version, the same document does not', async () => {
    const doc = structuredClone(example);
    doc.name = 'versioned-pipeline';
    const first = await http('PUT', '/api/v1/pipelines/versioned-pipeline', doc);
    expect(first.status).toBe(200);
    expect(first.data).toMatchObject({ name: 'versioned-pipeline', version: 1, created: true });
    const same = await http('PUT', '/api/v1/pipelines/versioned-pipeline', doc);
    expect(same.data).toMatchObject({ version: 1, created: false });
    doc.nodes.find((n: any) => n.id === 'train').params.trees = 50;
    const second = await http('PUT', '/api/v1/pipelines/versioned-pipeline', doc);
    expect(second.data).toMatchObject({ version: 2, created: true });
    const mismatch = await http('PUT', '/api/v1/pipelines/other-name', doc);
    expect(mismatch.status).toBe(422);
    const garbage = await http('PUT', '/api/v1/pipelines/x', 'not json', { 'content-type': 'application/json' });
    expect(garbage.status).toBe(400);
  });

  it('skips what depends on a failed gate and still ends the run succeeded', async () => {
    const doc = structuredClone(example);
    doc.name = 'strict-gate';
    doc.nodes.find((n: any) => n.id === 'gate').params.rules = [{ metric: 'accuracy', op: '>', value: 1 }];
    doc.nodes.find((n: any) => n.id === 'ship').params.endpoint = 'strict-gate';
    expect((await http('PUT', '/api/v1/pipelines/strict-gate', doc)).status).toBe(200);
    const { data } = await http('POST', '/api/v1/pipelines/strict-gate/runs');
    const run = await waitForRun(data.runId);
    expect(run.status).toBe('succeeded');
    expect(step(run, 'gate').status).toBe('failed');
    expect(step(run, 'gate').summary.passed).toBe(false);
    expect(step(run, 'ship').status).toBe('skipped');
    expect((await http('GET', '/api/v1/endpoints/strict-gate')).status).toBe(404);
  });

  it('refuses a column that does not exist upstream when saving, naming node and parameter', async () => {
    const doc = structuredClone(example);
    doc.name = 'wrong-target';
    doc.nodes.find((n: any) => n.id === 'train').params.target = 'Wingspan';
    const res = await http('PUT', '/api/v1/pipelines/wrong-target', doc);
    expect(res.status).toBe(422);
    expect(res.data.errors).toEqual([
      expect.objectContaining({ code: 'unknown_column', nodeId: 'train', path: 'params.target', message: expect.stringContaining('Column "Wingspan" does not exist after "split"') }),
    ]);
  });

  it('refuses unknown and mistyped parameters when saving', async () => {
    const doc = structuredClone(example);
    doc.name = 'typo';
    doc.nodes.find((n: any) => n.id === 'train').params.tress = 10;
    doc.nodes.find((n: any) => n.id === 'split').params.seed = 'seven';
    const res = await http('PUT', '/api/v1/pipelines/typo', doc);
    expect(res.status).toBe(422);
    expect(res.data.errors.map((e: any) => [e.nodeId, e.path, e.message])).toEqual([
      ['split', 'params.seed', 'seed must be a number, got the text "seven"'],
      ['train', 'params.tress', 'Unknown parameter "tress"'],
    ]);
  });

  it('fails a run whose step gets bad input, naming the problem, without retrying', async () => {
    const doc = structuredClone(example);
    doc.name = 'wrong-metric';
    doc.nodes.find((n: any) => n.id === 'gate').params.rules = [{ metric: 'auc_pr', op: '>=', value: 0.5 }];
    doc.nodes.find((n: any) => n.id === 'ship').params.endpoint = 'wrong-metric';
    expect((await http('PUT', '/api/v1/pipelines/wrong-metric', doc)).status).toBe(200);
    const { data } = await http('POST', '/api/v1/pipelines/wrong-metric/runs');
    const run = await waitForRun(data.runId);
    expect(run.status).toBe('failed');
    const gate = step(run, 'gate');
    expect(gate.status).toBe('failed');
    expect(gate.attempts).toBe(1);
    expect(gate.error).toContain('auc_pr');
    expect(step(run, 'ship').status).toBe('skipped');
  });

  it('answers unknown pipelines and runs with 404', async () => {
    expect((await http('POST', '/api/v1/pipelines/nope/runs')).status).toBe(404);
    expect((await http('GET', '/api/v1/runs/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await http('GET', '/api/v1/runs/not-a-uuid')).status).toBe(404);
  });
});

describe('datasets through REST', () => {
  const csv = 'id,"Weight (kg)",Größe,label\n1,10.5,a,yes\n2,,b,no\n3,7.25,,yes\n';

  it('uploads CSV, keeps identical bytes as the same version and versions new bytes', async () => {
    const first = await http('POST', '/api/v1/datasets?name=tiny', csv, { 'content-type': 'text/csv' });
    expect(first.status).toBe(201);
    expect(first.data).toMatchObject({ name: 'tiny', version: 1, rows: 3 });
    expect(first.data.columns.map((c: any) => c.name)).toEqual(['id', 'Weight (kg)', 'Größe', 'label']);
    const again = await http('POST', '/api/v1/datasets?name=tiny', csv, { 'content-type': 'text/csv' });
    expect(again.status).toBe(200);
    expect(again.data.version).toBe(1);
    const changed = await http('POST', '/api/v1/datasets?name=tiny', `${csv}4,1.0,c,no\n`, { 'content-type': 'text/csv' });
    expect(changed.status).toBe(201);
    expect(changed.data).toMatchObject({ version: 2, rows: 4 });
  });

  it('reads JSON arrays, NDJSON and Parquet', async () => {
    const rows = [{ a: 1, 'b c': 'x' }, { a: 2, 'b c': null }];
    const json = await http('POST', '/api/v1/datasets?name=from-json', JSON.stringify(rows), { 'content-type': 'application/json' });
    expect(json.status).toBe(201);
    expect(json.data.rows).toBe(2);
    const nd = await http('POST', '/api/v1/datasets?name=from-ndjson', rows.map((r) => JSON.stringify(r)).join('\n'), {
      'content-type': 'application/x-ndjson',
    });
    expect(nd.status).toBe(201);
    expect(nd.data.columns.map((c: any) => c.name)).toEqual(['a', 'b c']);
    const parquet = await fs.readFile(path.resolve('node_modules/vega-datasets/data/flights-3m.parquet'));
    const pq = await http('POST', '/api/v1/datasets?name=flights', new Uint8Array(parquet), {
      'content-type': 'application/vnd.apache.parquet',
    });
    expect(pq.status).toBe(201);
    expect(pq.data.rows).toBeGreaterThan(1_000_000);
  });

  it('refuses bad uploads with clear messages', async () => {
    const noName = await http('POST', '/api/v1/datasets', 'a\n1\n', { 'content-type': 'text/csv' });
    expect(noName.status).toBe(400);
    expect(noName.data.error).toMatch(/name/);
    const badType = await http('POST', '/api/v1/datasets?name=x', 'a', { 'content-type': 'image/png' });
    expect(badType.status).toBe(415);
    const badJson = await http('POST', '/api/v1/datasets?name=bad-json', '[{"a": 1},', { 'content-type': 'application/json' });
    expect(badJson.status).toBe(422);
    expect(badJson.data.error).toMatch(/Could not read the file as JSON/);
    expect((await http('GET', '/api/v1/datasets/bad-json')).status).toBe(404);
    const badLine = await http('POST', '/api/v1/datasets?name=bad-ndjson', '{"a": 1}\n{"a": \n', { 'content-type': 'application/x-ndjson' });
    expect(badLine.status).toBe(422);
    expect(badLine.data.error).toContain('line 2');
    const empty = await http('POST', '/api/v1/datasets?name=empty', '', { 'content-type': 'text/csv' });
    expect(empty.status).toBe(400);
  });
});

describe('service surface', () => {
  it('reports health of Postgres and Temporal', async () => {
    const res = await http('GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ status: 'ok', postgres: 'ok', temporal: 'ok' });
  });

  it('publishes an OpenAPI document', async () => {
    const res = await http('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.data.openapi).toBe('3.1.0');
    expect(Object.keys(res.data.paths)).toEqual(
      expect.arrayContaining(['/api/v1/datasets', '/api/v1/pipelines/{name}', '/api/v1/runs/{runId}', '/api/v1/endpoints/{name}/predict']),
    );
  });
});
