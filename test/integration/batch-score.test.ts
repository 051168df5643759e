// deploy.batch_score in real runs: the scored table's predictions are the endpoint's answers for the same
// rows (same model version, same ONNX runtime), whether the model comes from the train step upstream or
// from the registry by name and version; a version that does not exist fails the step, saying which.
import fs from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { http, step, waitForRun } from '../support/http';
import { readParquet, tempDir } from '../support/tables';

const PIPELINE = 'batch-scoring';
const ENDPOINT = 'batch-scored';
const FEATURES = ['Island', 'Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)', 'Sex'];

type Doc = { apiVersion: string; name: string; nodes: { id: string; type: string; params: Record<string, unknown> }[]; edges: { from: string; to: string }[] };
let base: Doc;
let dir: string;

async function runPipeline(doc: Doc) {
  const saved = await http('PUT', `/api/v1/pipelines/${doc.name}`, doc);
  expect(saved.status, JSON.stringify(saved.data)).toBe(200);
  const started = await http('POST', `/api/v1/pipelines/${doc.name}/runs`, { ignoreCache: true });
  expect(started.status, JSON.stringify(started.data)).toBe(202);
  return waitForRun(started.data.runId);
}

/** The scored table, downloaded through the export step after the scoring step. */
async function scoredRows(runId: string) {
  const res = await fetch(`${inject('baseUrl')}/api/v1/runs/${runId}/steps/export/file`);
  expect(res.status).toBe(200);
  const file = path.join(dir, `${runId}.parquet`);
  await fs.writeFile(file, Buffer.from(await res.arrayBuffer()));
  return readParquet(file);
}

const probabilities = (m: unknown) => Object.fromEntries((m as { key: string; value: number }[]).map((e) => [e.key, e.value]));

beforeAll(async () => {
  dir = await tempDir('batch-score-it');
  base = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8'));
});

describe.sequential('deploy.batch_score', () => {
  let model: string;
  let version: number;
  let fromTrain: Record<string, unknown>[];

  it('scores the test table with the train step’s model exactly as the endpoint answers for the same rows', async () => {
    const doc = structuredClone(base);
    doc.name = PIPELINE;
    doc.nodes.find((n) => n.id === 'ship')!.params = { endpoint: ENDPOINT };
    doc.nodes.push({ id: 'score', type: 'deploy.batch_score', params: {} }, { id: 'export', type: 'export.file', params: { format: 'parquet' } });
    doc.edges.push({ from: 'train.model', to: 'score.model' }, { from: 'split.test', to: 'score.table' }, { from: 'score.scored', to: 'export.table' });
    const run = await runPipeline(doc);
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    const summary = step(run, 'score').summary;
    ({ model, modelVersion: version } = summary);
    expect(model).toBe(`${PIPELINE}.train`);

    fromTrain = await scoredRows(run.runId);
    expect(summary.rows).toBe(fromTrain.length);
    expect(Object.keys(fromTrain[0]!)).toEqual(expect.arrayContaining([...FEATURES, 'Species', 'prediction_label', 'prediction_value', 'prediction_probabilities']));
    const rows = fromTrain.map((r) => Object.fromEntries(FEATURES.map((f) => [f, r[f] ?? null])));
    const answer = await http('POST', `/api/v1/endpoints/${ENDPOINT}/predict`, { rows });
    expect(answer.status, JSON.stringify(answer.data)).toBe(200);
    expect(answer.data.modelVersion).toBe(version);
    expect(fromTrain.map((r) => r.prediction_label)).toEqual(answer.data.predictions);
    fromTrain.forEach((r, i) => {
      const batch = probabilities(r.prediction_probabilities);
      for (const [c, p] of Object.entries(answer.data.probabilities[i] as Record<string, number>)) expect(batch[c]).toBeCloseTo(p, 6);
    });
  });

  it('scores with a registered model chosen by name and version, and names a version that does not exist', async () => {
    const doc: Doc = {
      apiVersion: 'millrace/v1',
      name: `${PIPELINE}-registry`,
      nodes: [
        { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' } },
        { id: 'split', type: 'prepare.split', params: { testFraction: 0.2, seed: 7, stratifyBy: 'Species' } },
        { id: 'score', type: 'deploy.batch_score', params: { model, version } },
        { id: 'export', type: 'export.file', params: { format: 'parquet' } },
      ],
      edges: [
        { from: 'load.table', to: 'split.table' },
        { from: 'split.test', to: 'score.table' },
        { from: 'score.scored', to: 'export.table' },
      ],
    };
    const run = await runPipeline(doc);
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    expect((await scoredRows(run.runId)).map((r) => r.prediction_label)).toEqual(fromTrain.map((r) => r.prediction_label));
    // Lineage: the scoring step read the registered model's file.
    const sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
    try {
      const links = await sql`select l.port, l.role from artifact_links l join model_versions v on v.artifact_hash = l.artifact_hash
        join models m on m.id = v.model_id where l.run_id = ${run.runId} and l.node_id = 'score' and m.name = ${model} and v.version = ${version}`;
      expect(links.map((l) => ({ ...l }))).toEqual([{ port: 'model', role: 'input' }]);
    } finally {
      await sql.end();
    }

    doc.nodes.find((n) => n.id === 'score')!.params = { model, version: version + 100 };
    const failed = await runPipeline(doc);
    expect(failed.status).toBe('failed');
    expect(step(failed, 'score').error).toMatch(new RegExp(`Version ${version + 100} of model "${model.replace('.', '\\.')}" was not found`));
  });

  it('scores with the version an alias names, and names an alias that is not set', async () => {
    const doc: Doc = {
      apiVersion: 'millrace/v1',
      name: `${PIPELINE}-alias`,
      nodes: [
        { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' } },
        { id: 'split', type: 'prepare.split', params: { testFraction: 0.2, seed: 7, stratifyBy: 'Species' } },
        { id: 'score', type: 'deploy.batch_score', params: { model, alias: 'archived' } },
        { id: 'export', type: 'export.file', params: { format: 'parquet' } },
      ],
      edges: [
        { from: 'load.table', to: 'split.table' },
        { from: 'split.test', to: 'score.table' },
        { from: 'score.scored', to: 'export.table' },
      ],
    };
    const unset = await runPipeline(doc);
    expect(unset.status).toBe('failed');
    expect(step(unset, 'score').error).toMatch(/Alias "archived" of model .* was not found/);

    const moved = await http('PUT', `/api/v1/models/${model}/aliases/archived`, { version });
    expect(moved.status, JSON.stringify(moved.data)).toBe(200);
    const run = await runPipeline(doc);
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    expect(step(run, 'score').summary).toMatchObject({ model, modelVersion: version });
    expect((await scoredRows(run.runId)).map((r) => r.prediction_label)).toEqual(fromTrain.map((r) => r.prediction_label));
  });
});
