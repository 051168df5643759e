import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { datasetTriggerWorkflowIdOf } from '../../workflows/core/schedule-spec';
import { http, waitForRun } from '../support/http';
import { until } from '../support/wait';

// Triggers against the real stack: a dataset's new versions (debounced in a Temporal workflow), a
// webhook with a secret token, and one pipeline's success starting another.

const tiny = (name: string, dataset = 'penguins') => ({
  apiVersion: 'millrace/v1',
  name,
  nodes: [{ id: 'load', type: 'ingest.dataset', params: { dataset } }],
  edges: [],
});

/** The webhook's target declares the parameter its payload maps to, and uses it. */
const hookTarget = {
  apiVersion: 'millrace/v1',
  name: 'hook-target',
  parameters: [{ name: 'threshold', type: 'number', default: 0.5 }],
  nodes: [
    { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' } },
    { id: 'keep', type: 'prepare.filter', params: { conditions: [{ column: 'Beak Depth (mm)', op: '>', value: { $param: 'threshold' } }] } },
  ],
  edges: [{ from: 'load.table', to: 'keep.table' }],
};


async function runsOf(pipeline: string) {
  const list = await http('GET', `/api/v1/pipelines/${pipeline}/runs`);
  expect(list.status).toBe(200);
  return Promise.all(list.data.runs.reverse().map(async (r: any) => (await http('GET', `/api/v1/runs/${r.runId}`)).data));
}

const upload = (name: string, csv: string) => http('POST', `/api/v1/datasets?name=${name}`, csv, { 'content-type': 'text/csv' });

let connection: Connection;
let client: Client;
let sql: postgres.Sql;

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
  sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
  expect((await http('PUT', '/api/v1/pipelines/hook-target', hookTarget)).status).toBe(200);
  for (const name of ['chain-a', 'chain-b']) expect((await http('PUT', `/api/v1/pipelines/${name}`, tiny(name))).status).toBe(200);
});

afterAll(async () => {
  await connection?.close();
  await sql?.end();
});

describe('a dataset trigger', () => {
  it('starts one run for two versions uploaded within the debounce time', async () => {
    expect((await upload('arrivals', 'id,value\n1,10\n')).status).toBe(201);
    expect((await http('PUT', '/api/v1/pipelines/on-arrival', tiny('on-arrival', 'arrivals'))).status).toBe(200);
    const created = await http('POST', '/api/v1/pipelines/on-arrival/triggers', { kind: 'dataset', dataset: 'arrivals', debounceSeconds: 8 });
    expect(created.status, JSON.stringify(created.data)).toBe(201);
    const triggerId = created.data.id;

    expect((await upload('arrivals', 'id,value\n1,10\n2,20\n')).data.version).toBe(2);
    expect((await upload('arrivals', 'id,value\n1,10\n2,20\n3,30\n')).data.version).toBe(3);
    // The same bytes again are no new version and start nothing.
    expect((await upload('arrivals', 'id,value\n1,10\n2,20\n3,30\n')).data.created).toBe(false);

    // The debounce workflow ends after firing once for both versions.
    const result = await client.workflow.getHandle(datasetTriggerWorkflowIdOf(triggerId)).result();
    expect(result).toEqual({ firings: 1 });
    const runs = await runsOf('on-arrival');
    expect(runs).toHaveLength(1);
    expect(runs[0].origin.kind).toBe('dataset');
    expect(runs[0].origin.triggerId).toBe(triggerId);
    expect(runs[0].origin.payload.versions).toEqual([
      { dataset: 'arrivals', version: 2 },
      { dataset: 'arrivals', version: 3 },
    ]);
    const run = await waitForRun(runs[0].runId);
    expect(run.status).toBe('succeeded');
    expect(run.steps[0].summary.rows).toBe(3);
  });
});

describe('a webhook trigger', () => {
  let id: string;
  let token: string;

  it('shows its token once and keeps only a hash', async () => {
    const created = await http('POST', '/api/v1/pipelines/hook-target/triggers', { kind: 'webhook', paramPointers: { threshold: '/data/threshold' } });
    expect(created.status, JSON.stringify(created.data)).toBe(201);
    ({ id, token } = created.data);
    expect(token).toMatch(/^mrh_/);
    expect(created.data.hookPath).toBe(`/api/v1/hooks/${id}`);
    const listed = await http('GET', '/api/v1/pipelines/hook-target/triggers');
    expect(JSON.stringify(listed.data)).not.toContain(token);
    const [row] = await sql`select token_hash from triggers where id = ${id}`;
    expect(row!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.token_hash).not.toContain(token);
  });

  it('answers 401 without the right token and starts nothing', async () => {
    const before = (await runsOf('hook-target')).length;
    const none = await http('POST', `/api/v1/hooks/${id}`, { data: { threshold: 0.7 } }, {}, { as: 'anonymous' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await http('POST', `/api/v1/hooks/${id}`, { data: { threshold: 0.7 } }, { authorization: `Bearer ${token}x` });
    expect(wrong.status).toBe(401);
    const unknown = await http('POST', '/api/v1/hooks/00000000-0000-4000-8000-000000000000', {}, { authorization: `Bearer ${token}` });
    expect(unknown.status).toBe(401);
    expect((await runsOf('hook-target')).length).toBe(before);
  });

  it('starts a run with the payload mapped to parameters, once per Idempotency-Key', async () => {
    const payload = { data: { threshold: 0.7 }, source: 'ci' };
    const started = await http('POST', `/api/v1/hooks/${id}`, payload, { authorization: `Bearer ${token}`, 'idempotency-key': 'build-41' });
    expect(started.status, JSON.stringify(started.data)).toBe(202);
    const run = await waitForRun(started.data.runId);
    expect(run.status).toBe('succeeded');
    expect(run.origin).toMatchObject({ kind: 'webhook', triggerId: id, params: { threshold: 0.7 }, payload });
    // …and the run got the value: the pipeline's parameter, not its default.
    expect(run.params).toEqual({ threshold: 0.7 });

    const again = await http('POST', `/api/v1/hooks/${id}`, payload, { 'x-millrace-token': token, 'idempotency-key': 'build-41' });
    expect(again.status).toBe(200);
    expect(again.data).toEqual({ runId: started.data.runId, existing: true });

    // Calls racing with one key: one run, whichever call records the firing first.
    const racing = await Promise.all(
      Array.from({ length: 5 }, () => http('POST', `/api/v1/hooks/${id}`, payload, { authorization: `Bearer ${token}`, 'idempotency-key': 'build-42' })),
    );
    const raced = new Set(racing.map((r) => r.data.runId));
    expect(raced.size).toBe(1);
    expect(racing.filter((r) => r.status === 202)).toHaveLength(1);
    const [{ n }] = await sql`select count(*)::int as n from trigger_firings where key = ${`webhook:${id}:build-42`}`;
    expect(n).toBe(1);
    await waitForRun([...raced][0]);

    const missing = await http('POST', `/api/v1/hooks/${id}`, { data: {} }, { authorization: `Bearer ${token}` });
    expect(missing.status).toBe(422);
    expect(missing.data.error).toMatch(/no value at "\/data\/threshold" for the parameter "threshold"/);
  });

  it('refuses the old token after rotation', async () => {
    const rotated = await http('POST', `/api/v1/triggers/${id}/rotate`);
    expect(rotated.status).toBe(200);
    const payload = { data: { threshold: 1 } };
    expect((await http('POST', `/api/v1/hooks/${id}`, payload, { authorization: `Bearer ${token}` })).status).toBe(401);
    expect((await http('POST', `/api/v1/hooks/${id}`, payload, { authorization: `Bearer ${rotated.data.token}` })).status).toBe(202);
    const off = await http('PATCH', `/api/v1/triggers/${id}`, { enabled: false });
    expect(off.data.enabled).toBe(false);
    const refused = await http('POST', `/api/v1/hooks/${id}`, payload, { authorization: `Bearer ${rotated.data.token}` });
    expect(refused.status).toBe(409);
    expect(refused.data.error).toMatch(/turned off/);
    expect((await http('DELETE', `/api/v1/triggers/${id}`)).status).toBe(204);
    expect((await http('POST', `/api/v1/hooks/${id}`, payload, { authorization: `Bearer ${rotated.data.token}` })).status).toBe(401);
  });
});

describe('fixed parameter values of a trigger', () => {
  it('refuses values and payload mappings the pipeline would refuse, and keeps good ones', async () => {
    const url = '/api/v1/pipelines/hook-target/triggers';
    const wrongType = await http('POST', url, { kind: 'dataset', dataset: 'penguins', params: { threshold: 'high' } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.data.error).toBe('Parameter "threshold" must be a number, got "high"');
    const unknownPointer = await http('POST', url, { kind: 'webhook', paramPointers: { treshold: '/t' } });
    expect(unknownPointer.status).toBe(400);
    expect(unknownPointer.data.error).toBe('The pipeline has no parameter "treshold" to take from the payload');
    const unknownValue = await http('POST', url, { kind: 'pipeline', afterPipeline: 'penguin-species', params: { limit: 3 } });
    expect(unknownValue.status).toBe(400);
    expect(unknownValue.data.error).toMatch(/The pipeline has no parameter "limit"/);

    const kept = await http('POST', url, { kind: 'dataset', dataset: 'penguins', debounceSeconds: 3600, params: { threshold: 0.9 } });
    expect(kept.status, JSON.stringify(kept.data)).toBe(201);
    expect(kept.data.params).toEqual({ threshold: 0.9 });
    expect((await http('DELETE', `/api/v1/triggers/${kept.data.id}`)).status).toBe(204);
  });
});

describe('pipeline-success chaining', () => {
  it('starts the next pipeline after a success, recording the chain, and refuses a loop', async () => {
    const link = await http('POST', '/api/v1/pipelines/chain-b/triggers', { kind: 'pipeline', afterPipeline: 'chain-a' });
    expect(link.status, JSON.stringify(link.data)).toBe(201);
    const loop = await http('POST', '/api/v1/pipelines/chain-a/triggers', { kind: 'pipeline', afterPipeline: 'chain-b' });
    expect(loop.status).toBe(400);
    expect(loop.data.error).toMatch(/would close a loop/);
    const self = await http('POST', '/api/v1/pipelines/chain-a/triggers', { kind: 'pipeline', afterPipeline: 'chain-a' });
    expect(self.status).toBe(400);

    // A loop that got in anyway (written straight to the table) is stopped when it comes round.
    const [b] = await sql`select id from pipelines where name = 'chain-b'`;
    const [a] = await sql`select id, workspace_id from pipelines where name = 'chain-a'`;
    const [back] = await sql`insert into triggers (workspace_id, pipeline_id, kind, after_pipeline_id, created_by, updated_by)
      values (${a!.workspace_id}, ${a!.id}, 'pipeline', ${b!.id}, 'test', 'test') returning id`;

    const first = await http('POST', '/api/v1/pipelines/chain-a/runs');
    expect(first.status).toBe(202);
    expect((await waitForRun(first.data.runId)).status).toBe('succeeded');
    const next = await until('the chained run', async () => (await runsOf('chain-b')).find((r) => r.origin?.originRunId === first.data.runId));
    expect(next.origin).toMatchObject({ kind: 'pipeline', triggerId: link.data.id, chain: ['chain-a'] });
    expect((await waitForRun(next.runId)).status).toBe('succeeded');

    const refused = await until('the refused loop', async () => {
      const [row] = await sql`select status, message from trigger_firings where trigger_id = ${back!.id}`;
      return row;
    });
    expect(refused.status).toBe('refused');
    expect(refused.message).toMatch(/chain-a → chain-b → chain-a/);
    expect((await runsOf('chain-a')).length).toBe(1);
  });
});
