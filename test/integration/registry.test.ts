// The registry API against the real stack: dataset versions (list, preview pages, per-column statistics,
// "latest" set back and a run then loading that version), the model a run trained (list, versions, one
// version with its lineage, ONNX download, model card), aliases with their history, and bad input and
// unknown names answered with 400 and 404.
import fs from 'node:fs/promises';
import path from 'node:path';
import { inject } from 'vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { http, step, waitForRun } from '../support/http';

const DATASET = 'registry-penguins';
const PIPELINE = 'registry-species';
const ENDPOINT = 'registry-species';
const MODEL = `${PIPELINE}.train`;

type Row = Record<string, string | number | null>;
let all: Row[];
/** The second version: fewer rows, so which version a run loaded shows in its row count. */
let fewer: Row[];

async function upload(rows: Row[]) {
  const res = await http('POST', `/api/v1/datasets?name=${DATASET}`, JSON.stringify(rows), { 'content-type': 'application/json' });
  expect(res.status, JSON.stringify(res.data)).toBe(201);
  return res.data.version as number;
}

beforeAll(async () => {
  all = JSON.parse(await fs.readFile(path.resolve('node_modules/vega-datasets/data/penguins.json'), 'utf8'));
  fewer = all.slice(0, 200);
  expect(await upload(all)).toBe(1);
  expect(await upload(fewer)).toBe(2);
  const doc = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8'));
  doc.name = PIPELINE;
  doc.nodes.find((n: { id: string }) => n.id === 'load').params = { dataset: DATASET };
  doc.nodes.find((n: { id: string }) => n.id === 'ship').params = { endpoint: ENDPOINT };
  const saved = await http('PUT', `/api/v1/pipelines/${PIPELINE}`, doc);
  expect(saved.status, JSON.stringify(saved.data)).toBe(200);
});

describe('dataset versions', () => {
  it('makes an earlier version latest again when its bytes are uploaded again, and says so', async () => {
    const name = 'registry-reupload';
    const send = (rows: Row[]) => http('POST', `/api/v1/datasets?name=${name}`, JSON.stringify(rows), { 'content-type': 'application/json' });
    const good = all.slice(0, 120);
    const swapped = good.map((r) => ({ ...r, Species: r.Species === 'Adelie' ? 'Gentoo' : 'Adelie' }));
    expect((await send(good)).data).toMatchObject({ version: 1, created: true });
    expect((await send(swapped)).data).toMatchObject({ version: 2, created: true });
    expect((await http('GET', `/api/v1/datasets/${name}/versions`)).data.latestVersion).toBe(2);

    const again = await send(good);
    expect(again.data).toMatchObject({ version: 1, created: false, warnings: ['Identical to version 1, which is "latest" again (it was version 2)'] });
    expect((await http('GET', `/api/v1/datasets/${name}/versions`)).data.latestVersion).toBe(1);
    expect((await http('GET', `/api/v1/datasets/${name}`)).data.version).toBe(1);
    // Once more: already latest, nothing to say.
    const once = await send(good);
    expect(once.data).toMatchObject({ version: 1, created: false });
    expect(once.data.warnings).toBeUndefined();
    // The newest version's bytes again: the pin goes, and the next new upload is latest as usual.
    expect((await send(swapped)).data).toMatchObject({ version: 2, created: false });
    expect((await http('GET', `/api/v1/datasets/${name}/versions`)).data.latestVersion).toBe(2);
  });

  it('lists every version with its row count and schema, the newest being latest', async () => {
    const res = await http('GET', `/api/v1/datasets/${DATASET}/versions`);
    expect(res.status).toBe(200);
    expect(res.data.latestVersion).toBe(2);
    expect(res.data.versions.map((v: { version: number; rows: number; latest: boolean }) => [v.version, v.rows, v.latest])).toEqual([
      [1, all.length, false],
      [2, fewer.length, true],
    ]);
    expect(res.data.versions[0].columns.map((c: { name: string }) => c.name)).toEqual(Object.keys(all[0]!));
  });

  it('pages through a version in file order', async () => {
    const first = await http('GET', `/api/v1/datasets/${DATASET}/versions/1/preview?limit=3`);
    expect(first.status, JSON.stringify(first.data)).toBe(200);
    expect(first.data.totalRows).toBe(all.length);
    expect(first.data.rows).toEqual(all.slice(0, 3));
    const later = await http('GET', `/api/v1/datasets/${DATASET}/versions/1/preview?offset=340&limit=10`);
    expect(later.data.rows).toEqual(all.slice(340));
  });

  it('computes per-column statistics that match the rows', async () => {
    const res = await http('GET', `/api/v1/datasets/${DATASET}/versions/1/stats`);
    expect(res.status, JSON.stringify(res.data)).toBe(200);
    const byName = Object.fromEntries(res.data.columns.map((c: { name: string }) => [c.name, c]));
    for (const name of Object.keys(all[0]!)) {
      const values = all.map((r) => r[name]).filter((x) => x !== null && x !== undefined);
      const c = byName[name];
      expect(c.nulls, name).toBe(all.length - values.length);
      expect(c.distinct, name).toBe(new Set(values).size);
      const counted = c.histogram.reduce((s: number, b: { count: number }) => s + b.count, 0);
      if (typeof values[0] === 'number') {
        expect(c.min, name).toBe(Math.min(...(values as number[])));
        expect(c.max, name).toBe(Math.max(...(values as number[])));
        expect(counted, `${name}: every value in a bin`).toBe(values.length);
      } else {
        const freq = new Map<unknown, number>();
        for (const v of values) freq.set(v, (freq.get(v) ?? 0) + 1);
        for (const b of c.histogram) expect(b.count, `${name}=${b.label}`).toBe(freq.get(b.label));
      }
    }
    expect(byName.Species.histogram.map((b: { label: string }) => b.label).sort()).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
  });

  it('refuses bad paging, versions and names clearly', async () => {
    const base = `/api/v1/datasets/${DATASET}/versions`;
    const cases: [string, number, RegExp][] = [
      [`${base}/1/preview?limit=1000`, 400, /at most 500/i],
      [`${base}/1/preview?limit=0`, 400, /limit/],
      [`${base}/1/preview?offset=-1`, 400, /offset: a whole number/],
      [`${base}/1/preview?rows=3`, 400, /Unknown query parameter "rows"/],
      [`${base}/1/preview?limit=2&limit=3`, 400, /more than once/],
      [`${base}/abc/preview`, 400, /version: a whole number from 1/],
      [`${base}/0/stats`, 400, /version: a whole number from 1/],
      [`${base}/99/preview`, 404, /Version 99 of dataset "registry-penguins" was not found/],
      [`${base}/99/stats`, 404, /Version 99/],
      [`/api/v1/datasets/no-such-dataset/versions`, 404, /Dataset "no-such-dataset" was not found/],
    ];
    for (const [url, status, message] of cases) {
      const res = await http('GET', url);
      expect(res.status, url).toBe(status);
      expect(res.data.error, url).toMatch(message);
    }
  });

  it('sets latest back: a run without a version then loads that version', async () => {
    const bad = [
      [{ version: 0 }, 400, /start at 1/],
      [{ version: '1' }, 400, /number/],
      [{ version: 1, extra: true }, 400, /extra/],
      [{ version: 99 }, 404, /Version 99 of dataset/],
    ] as const;
    for (const [body, status, message] of bad) {
      const res = await http('POST', `/api/v1/datasets/${DATASET}/latest`, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.data.error).toMatch(message);
    }
    expect((await http('POST', '/api/v1/datasets/no-such-dataset/latest', { version: 1 })).status).toBe(404);
    expect((await http('POST', `/api/v1/datasets/${DATASET}/latest`, 'version=1', { 'content-type': 'text/plain' })).status).toBe(415);

    const set = await http('POST', `/api/v1/datasets/${DATASET}/latest`, { version: 1 });
    expect(set.status, JSON.stringify(set.data)).toBe(200);
    expect(set.data).toEqual({ name: DATASET, latestVersion: 1 });
    expect((await http('GET', `/api/v1/datasets/${DATASET}`)).data.version).toBe(1);
    const listed = (await http('GET', '/api/v1/datasets')).data.datasets.find((d: { name: string }) => d.name === DATASET);
    expect([listed.latestVersion, listed.rows]).toEqual([1, all.length]);

    const started = await http('POST', `/api/v1/pipelines/${PIPELINE}/runs`, { ignoreCache: true });
    expect(started.status, JSON.stringify(started.data)).toBe(202);
    const run = await waitForRun(started.data.runId);
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    expect(step(run, 'load').summary.version).toBe(1);
    expect(step(run, 'load').summary.rows).toBe(all.length);
    runId = started.data.runId;
  });
});

let runId: string;

describe('models', () => {
  it('lists the model the run trained with its newest version', async () => {
    const res = await http('GET', '/api/v1/models');
    expect(res.status).toBe(200);
    const m = res.data.models.find((x: { name: string }) => x.name === MODEL);
    expect(m, JSON.stringify(res.data)).toBeTruthy();
    expect(m.latest.runId).toBe(runId);
    expect(m.latest.task).toBe('classification');
    const one = await http('GET', `/api/v1/models/${MODEL}`);
    expect(one.status).toBe(200);
    expect(one.data.versions[0].version).toBe(m.latest.version);
    // What a comparison of versions sets beside the metrics.
    expect(one.data.versions[0]).toMatchObject({ params: { trees: 100 }, trainingData: [{ dataset: DATASET, version: 1 }] });
  });

  it('shows one version with its training data, run, endpoint and lineage', async () => {
    const version = (await http('GET', `/api/v1/models/${MODEL}`)).data.versions[0].version;
    const res = await http('GET', `/api/v1/models/${MODEL}/versions/${version}`);
    expect(res.status, JSON.stringify(res.data)).toBe(200);
    const v = res.data;
    expect(v.trainingData).toEqual([{ dataset: DATASET, version: 1 }]);
    expect(v.run).toMatchObject({ id: runId, pipeline: PIPELINE, status: 'succeeded' });
    expect(v.nodeId).toBe('train');
    expect(v.endpoints.map((e: { name: string }) => e.name)).toEqual([ENDPOINT]);
    expect(v.features.map((f: { name: string }) => f.name).sort()).toEqual(Object.keys(all[0]!).filter((k) => k !== 'Species').sort());
    expect(Object.keys(v.metrics ?? {}).length).toBeGreaterThan(0);
    // dataset v1 → load → split → train → model → endpoint
    const ids = new Set(v.lineage.nodes.map((n: { id: string }) => n.id));
    for (const id of [`dataset:${DATASET}@1`, 'step:load', 'step:split', 'step:train', `model:${MODEL}@${version}`, `endpoint:${ENDPOINT}`]) expect(ids, id).toContain(id);
    expect(ids.has('step:eval'), 'eval is downstream of train, not part of its lineage').toBe(false);
    const edges = v.lineage.edges.map((e: { source: string; target: string }) => `${e.source}>${e.target}`);
    expect(edges).toEqual(
      expect.arrayContaining([
        `dataset:${DATASET}@1>step:load`,
        'step:load>step:split',
        'step:split>step:train',
        `step:train>model:${MODEL}@${version}`,
        `model:${MODEL}@${version}>endpoint:${ENDPOINT}`,
      ]),
    );
  });

  it('downloads the ONNX file and a markdown model card', async () => {
    const version = (await http('GET', `/api/v1/models/${MODEL}`)).data.versions[0].version;
    const detail = (await http('GET', `/api/v1/models/${MODEL}/versions/${version}`)).data;
    const onnx = await fetch(`${inject('baseUrl')}/api/v1/models/${MODEL}/versions/${version}/onnx`);
    expect(onnx.status).toBe(200);
    expect(onnx.headers.get('content-disposition')).toContain(`${MODEL}-v${version}.onnx`);
    const bytes = Buffer.from(await onnx.arrayBuffer());
    expect(bytes.length).toBe(detail.onnx.sizeBytes);
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(detail.onnx.sha256);

    const card = await fetch(`${inject('baseUrl')}/api/v1/models/${MODEL}/versions/${version}/card`);
    expect(card.status).toBe(200);
    expect(card.headers.get('content-type')).toMatch(/^text\/markdown/);
    const text = await card.text();
    expect(text).toContain(`# ${MODEL} — version ${version}`);
    expect(text).toContain(`${DATASET} v1`);
    expect(text).toContain(`pipeline ${PIPELINE}`);
    for (const f of detail.features) expect(text).toContain(`| ${f.name} | ${f.type} |`);
  });

  it('moves aliases and records who moved them', async () => {
    const version = (await http('GET', `/api/v1/models/${MODEL}`)).data.versions[0].version;
    const put = (alias: string, body: unknown, headers: Record<string, string> = {}) => http('PUT', `/api/v1/models/${MODEL}/aliases/${alias}`, body, headers);
    // The run's deploy step promoted the version to the endpoint's production slot: the production alias followed.
    expect((await put('production', { version })).data).toEqual({ name: MODEL, alias: 'production', version, changed: false });
    expect((await put('staging', { version }, { 'x-millrace-user': 'ana' })).data).toEqual({ name: MODEL, alias: 'staging', version, changed: true });
    expect((await put('staging', { version })).data.changed).toBe(false);
    expect((await put('archived', { version })).status).toBe(200);
    const model = (await http('GET', `/api/v1/models/${MODEL}`)).data;
    expect(model.aliases).toEqual({ archived: version, production: version, staging: version });
    expect(model.versions[0].aliases.sort()).toEqual(['archived', 'production', 'staging']);
    const history = await http('GET', `/api/v1/models/${MODEL}/aliases`);
    expect(history.data.events.map((e: { alias: string; from: number | null; to: number; actor: string }) => [e.alias, e.from, e.to, e.actor])).toEqual([
      ['archived', null, version, expect.stringMatching(/^token test admin \(mrt_/)],
      // The caller's token, not the X-Millrace-User name the client sent.
      ['staging', null, version, expect.stringMatching(/^token test admin \(mrt_/)],
      ['production', null, version, `run:${runId}/ship`],
    ]);
    const older = await http('GET', `/api/v1/models/${MODEL}/aliases?limit=1&before=${history.data.events[0].id}`);
    expect(older.data.events.map((e: { alias: string }) => e.alias)).toEqual(['staging']);

    expect((await put('champion', { version })).status).toBe(400);
    expect((await put('champion', { version })).data.error).toMatch(/staging, production, archived/);
    expect((await put('staging', { version: 999 })).status).toBe(404);
    expect((await put('staging', {})).status).toBe(400);
    expect((await http('PUT', '/api/v1/models/no.such.model/aliases/staging', { version: 1 })).status).toBe(404);
  });

  it('answers unknown models and versions with 404 and malformed ones with 400', async () => {
    const cases: [string, number, RegExp][] = [
      ['/api/v1/models/no.such.model', 404, /Model "no.such.model" was not found/],
      [`/api/v1/models/${MODEL}/versions/999`, 404, /Version 999 of model/],
      [`/api/v1/models/${MODEL}/versions/999/onnx`, 404, /Version 999 of model/],
      [`/api/v1/models/${MODEL}/versions/999/card`, 404, /Version 999 of model/],
      [`/api/v1/models/${MODEL}/versions/one`, 400, /Model version: a whole number from 1/],
      [`/api/v1/models/${MODEL}/versions/0/card`, 400, /Model version/],
      ['/api/v1/models/bad%20name', 400, /letters, digits/],
      [`/api/v1/models/${MODEL}/aliases?limit=x`, 400, /limit: a whole number/],
    ];
    for (const [url, status, message] of cases) {
      const res = await http('GET', url);
      expect(res.status, url).toBe(status);
      expect(res.data.error, url).toMatch(message);
    }
  });

  it('documents the registry routes in the OpenAPI document', async () => {
    const doc = (await http('GET', '/api/v1/openapi.json')).data;
    for (const p of [
      '/api/v1/models',
      '/api/v1/models/{name}',
      '/api/v1/models/{name}/versions/{version}',
      '/api/v1/models/{name}/versions/{version}/onnx',
      '/api/v1/models/{name}/versions/{version}/card',
      '/api/v1/models/{name}/aliases/{alias}',
      '/api/v1/datasets/{name}/versions',
      '/api/v1/datasets/{name}/versions/{version}/preview',
      '/api/v1/datasets/{name}/versions/{version}/stats',
      '/api/v1/datasets/{name}/latest',
    ])
      expect(doc.paths, p).toHaveProperty([p]);
  });
});
