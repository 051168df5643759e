// The train steps in real pipelines (Temporal, Postgres, the Python fitter): what each model records, the k-means
// endpoint, and a train step that fails on bad data leaving no model version behind.
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { http, step, waitForRun } from '../support/http';

const sql = postgres(inject('databaseUrl'), { max: 1 });
afterAll(() => sql.end());

const modelVersionsOf = (runId: string) =>
  sql<{ node_id: string; algorithm: string; task: string; meta: any }[]>`SELECT node_id, algorithm, task, meta FROM model_versions WHERE run_id = ${runId} ORDER BY node_id`;

describe('training in a pipeline', () => {
  it('fits LightGBM, k-means and a tuned tree; each model records its dataset version, fit time and parameters', async () => {
    const doc = {
      apiVersion: 'millrace/v1',
      name: 'training-library',
      nodes: [
        { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' } },
        { id: 'split', type: 'prepare.split', params: { testFraction: 0.2, seed: 7, stratifyBy: 'Species' } },
        { id: 'gbm', type: 'train.gradient_boosting', params: { target: 'Species', trees: 30 } },
        { id: 'eval', type: 'validate.evaluate' },
        { id: 'tune', type: 'train.tune', params: { target: 'Species', algorithm: 'decision_tree', folds: 3 } },
        { id: 'km', type: 'train.kmeans', params: { features: ['Beak Length (mm)', 'Flipper Length (mm)'], clusters: 3 } },
        { id: 'ship', type: 'deploy.endpoint', params: { endpoint: 'penguin-clusters' } },
      ],
      edges: [
        { from: 'load.table', to: 'split.table' },
        { from: 'split.train', to: 'gbm.table' },
        { from: 'gbm.model', to: 'eval.model' },
        { from: 'split.test', to: 'eval.table' },
        { from: 'split.train', to: 'tune.table' },
        { from: 'load.table', to: 'km.table' },
        { from: 'km.model', to: 'ship.model' },
      ],
    };
    const saved = await http('PUT', '/api/v1/pipelines/training-library', doc);
    expect(saved.status, JSON.stringify(saved.data)).toBe(200);
    const { data } = await http('POST', '/api/v1/pipelines/training-library/runs');
    const run = await waitForRun(data.runId, { timeoutMs: 300_000 });
    expect(run.status, JSON.stringify(run.steps.map((s: any) => [s.nodeId, s.status, s.error]))).toBe('succeeded');

    const gbm = step(run, 'gbm').summary;
    expect(gbm).toMatchObject({ task: 'classification', algorithm: 'gradient_boosting', trainingData: expect.stringMatching(/^penguins v\d+$/) });
    expect(gbm.fitSeconds).toBeGreaterThan(0);
    expect(gbm.importanceChart).toMatchObject({ $visual: 'bars', title: 'Feature importance' });
    expect(step(run, 'eval').summary.accuracy).toBeGreaterThan(0.9);

    const tune = step(run, 'tune').summary;
    expect(tune.tuning).toMatchObject({ algorithm: 'decision_tree', search: 'grid', folds: 3, metric: 'accuracy', trials: 12 });
    expect(tune.trialsTable.$visual).toBe('table');
    expect(tune.trialsTable.rows).toHaveLength(12);
    expect(tune.trialsChart).toMatchObject({ $visual: 'lines', x: 'trial', y: 'accuracy' });

    expect(step(run, 'km').summary).toMatchObject({ task: 'clustering', algorithm: 'kmeans', clusters: 3 });

    const versions = await modelVersionsOf(run.runId ?? data.runId);
    expect(versions.map((v) => [v.node_id, v.algorithm, v.task])).toEqual([
      ['gbm', 'gradient_boosting', 'classification'],
      ['km', 'kmeans', 'clustering'],
      ['tune', 'decision_tree', 'classification'],
    ]);
    for (const v of versions) {
      expect(v.meta.trainingData).toEqual([{ dataset: 'penguins', version: expect.any(Number) }]);
      expect(v.meta.fitSeconds).toBeGreaterThan(0);
      expect(v.meta.params).toBeTypeOf('object');
    }
    expect(versions[2]!.meta.tuning.trials).toHaveLength(12);

    // The k-means endpoint answers with a cluster number per row.
    const ep = await http('GET', '/api/v1/endpoints/penguin-clusters');
    expect(ep.data).toMatchObject({ task: 'clustering', target: '' });
    const res = await http('POST', '/api/v1/endpoints/penguin-clusters/predict', {
      rows: [
        { 'Beak Length (mm)': 38, 'Flipper Length (mm)': 185 },
        { 'Beak Length (mm)': 49, 'Flipper Length (mm)': 225 },
      ],
    });
    expect(res.status, JSON.stringify(res.data)).toBe(200);
    expect(res.data.predictions).toHaveLength(2);
    for (const p of res.data.predictions) expect([0, 1, 2]).toContain(p);
    expect(res.data.predictions[0]).not.toBe(res.data.predictions[1]);
  });

  it('fails a train step on Infinity in the data, on its node, without retrying and without a model version', async () => {
    const csv = 'size,price\n1,10\ninf,20\n3,30\n4,40\n5,52\n';
    expect((await http('POST', '/api/v1/datasets?name=with-infinity', csv, { 'content-type': 'text/csv' })).status).toBe(201);
    const doc = {
      apiVersion: 'millrace/v1',
      name: 'infinite-prices',
      nodes: [
        { id: 'load', type: 'ingest.dataset', params: { dataset: 'with-infinity' } },
        { id: 'fit', type: 'train.linear_regression', params: { target: 'price', regularization: 'ridge' } },
      ],
      edges: [{ from: 'load.table', to: 'fit.table' }],
    };
    expect((await http('PUT', '/api/v1/pipelines/infinite-prices', doc)).status).toBe(200);
    const { data } = await http('POST', '/api/v1/pipelines/infinite-prices/runs');
    const run = await waitForRun(data.runId);
    expect(run.status).toBe('failed');
    const fit = step(run, 'fit');
    expect(fit.status).toBe('failed');
    expect(fit.attempts).toBe(1);
    expect(fit.error).toContain('feature column "size" holds Infinity or -Infinity in 1 row');
    expect(await modelVersionsOf(data.runId)).toEqual([]);
  });
});
