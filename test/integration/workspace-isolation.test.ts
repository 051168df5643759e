// Workspaces are isolated: a token of workspace B finds nothing of workspace A (404 by name and by id, absent
// from lists), the same pipeline name in both keeps separate runs, schedules, models, datasets and endpoints,
// a run in B writes its rows in B (and reuses no step of A's through the step cache), a schedule of B
// starts its run in B, and only a run with a deployer's authority promotes to production.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { credentials, http, step } from '../support/http';
import { penguin } from '../support/penguin-row';
import { createTestWorkspace, defaultWorkspaceIdOf, waitForRunAs, type TestWorkspace } from '../support/workspaces';

const PIPELINE = 'iso-shared';
const ENDPOINT = 'iso';
/** Only A's version of the pipeline deploys here. */
const ENDPOINT_A = 'iso-a';
const MODEL = `${PIPELINE}.train`;

function pipelineDoc(extraEndpoint?: string) {
  const nodes: { id: string; type: string; params: Record<string, unknown> }[] = [
    { id: 'load', type: 'ingest.sample', params: { sample: 'penguins' } },
    { id: 'split', type: 'prepare.split', params: { testFraction: 0.2, seed: 7 } },
    { id: 'train', type: 'train.decision_tree', params: { target: 'Species' } },
    { id: 'ship', type: 'deploy.endpoint', params: { endpoint: ENDPOINT } },
    { id: 'export', type: 'export.file', params: {} },
  ];
  const edges = [
    { from: 'load.table', to: 'split.table' },
    { from: 'split.test', to: 'export.table' },
    { from: 'split.train', to: 'train.table' },
    { from: 'train.model', to: 'ship.model' },
  ];
  if (extraEndpoint) {
    nodes.push({ id: 'shipA', type: 'deploy.endpoint', params: { endpoint: extraEndpoint } });
    edges.push({ from: 'train.model', to: 'shipA.model' });
  }
  return { apiVersion: 'millrace/v1', name: PIPELINE, nodes, edges };
}

const A = (role: 'viewer' | 'editor' | 'deployer' | 'admin' = 'admin') => credentials(role);
let B: TestWorkspace;
let sql: postgres.Sql;
let defaultId: string;
const runs = { a: '', b: '' };

async function save(headers: Record<string, string>, doc: unknown) {
  const saved = await http('PUT', `/api/v1/pipelines/${PIPELINE}`, doc, headers);
  expect(saved.status, JSON.stringify(saved.data)).toBe(200);
}

async function start(headers: Record<string, string>, body: Record<string, unknown> = {}) {
  const started = await http('POST', `/api/v1/pipelines/${PIPELINE}/runs`, body, headers);
  expect(started.status, JSON.stringify(started.data)).toBe(202);
  return started.data.runId as string;
}

beforeAll(async () => {
  sql = postgres(inject('databaseUrl'), { max: 2, onnotice: () => {} });
  defaultId = await defaultWorkspaceIdOf();
  B = await createTestWorkspace('isolation-b');
  await save(A(), pipelineDoc(ENDPOINT_A));
  await save(B.as('admin'), pipelineDoc());
  // A first, then B without ignoreCache: B's identical steps must still run in B.
  runs.a = await start(A(), { ignoreCache: true });
  const doneA = await waitForRunAs(runs.a, A());
  expect(doneA.status, JSON.stringify(doneA)).toBe('succeeded');
  runs.b = await start(B.as('admin'));
  const doneB = await waitForRunAs(runs.b, B.as('admin'));
  expect(doneB.status, JSON.stringify(doneB)).toBe('succeeded');
}, 400_000);

afterAll(async () => {
  await sql?.end({ timeout: 5 });
});

describe.sequential('workspace isolation', () => {
  it('runs of the same pipeline name land in their own workspace, with their own rows', async () => {
    const rows = await sql<{ id: string; workspace_id: string; started_by: string; started_role: string }[]>`
      select id, workspace_id, started_by, started_role from runs where id in (${runs.a}, ${runs.b})`;
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(runs.a)!.workspace_id).toBe(defaultId);
    expect(byId.get(runs.b)!.workspace_id).toBe(B.id);
    expect(byId.get(runs.b)!.started_role).toBe('admin');
    expect(byId.get(runs.b)!.started_by).toContain('isolation-b admin');

    // The model and the sample's dataset the B run registered are B's rows; A has its own.
    const models = await sql<{ workspace_id: string; run_id: string }[]>`
      select m.workspace_id, v.run_id from models m join model_versions v on v.model_id = m.id where m.name = ${MODEL}`;
    expect(models.filter((m) => m.workspace_id === B.id).map((m) => m.run_id)).toEqual([runs.b]);
    expect(models.filter((m) => m.workspace_id === defaultId).map((m) => m.run_id)).toContain(runs.a);
    const datasets = await sql<{ workspace_id: string }[]>`select workspace_id from datasets where name = 'vega.penguins'`;
    expect(datasets.map((d) => d.workspace_id).sort()).toEqual([defaultId, B.id].sort());
    const endpoints = await sql<{ workspace_id: string; name: string }[]>`select workspace_id, name from endpoints where name in (${ENDPOINT}, ${ENDPOINT_A})`;
    expect(endpoints.filter((e) => e.workspace_id === B.id).map((e) => e.name)).toEqual([ENDPOINT]);
    expect(endpoints.filter((e) => e.workspace_id === defaultId).map((e) => e.name).sort()).toEqual([ENDPOINT, ENDPOINT_A].sort());

    // Nothing of B's run was reused from A's identical run through the step cache.
    const runB = await waitForRunAs(runs.b, B.as('admin'));
    for (const s of runB.steps) expect(s.cachedFrom, s.nodeId).toBeUndefined();
  });

  it("B's lists hold only B's pipelines, runs, datasets, models and endpoints", async () => {
    const asB = B.as('viewer');
    const pipelines = await http('GET', '/api/v1/pipelines', undefined, asB);
    expect(pipelines.status).toBe(200);
    expect(JSON.stringify(pipelines.data)).toContain(PIPELINE);
    expect(JSON.stringify(pipelines.data)).not.toContain('penguin-species');

    const runList = await http('GET', '/api/v1/runs', undefined, asB);
    expect(runList.status).toBe(200);
    expect(runList.data.runs.map((r: { runId: string }) => r.runId)).toEqual([runs.b]);
    const runListA = await http('GET', `/api/v1/runs?pipeline=${PIPELINE}`, undefined, A());
    expect(runListA.data.runs.map((r: { runId: string }) => r.runId)).toContain(runs.a);
    expect(runListA.data.runs.map((r: { runId: string }) => r.runId)).not.toContain(runs.b);

    const datasets = await http('GET', '/api/v1/datasets', undefined, asB);
    expect(datasets.status).toBe(200);
    expect(datasets.data.datasets.map((d: { name: string }) => d.name)).toEqual(['vega.penguins']);

    const models = await http('GET', '/api/v1/models', undefined, asB);
    expect(models.status).toBe(200);
    expect(JSON.stringify(models.data)).toContain(MODEL);
    expect(JSON.stringify(models.data)).not.toContain(runs.a);

    const endpoints = await http('GET', '/api/v1/endpoints', undefined, asB);
    expect(endpoints.status).toBe(200);
    expect(JSON.stringify(endpoints.data)).toContain(`"${ENDPOINT}"`);
    expect(JSON.stringify(endpoints.data)).not.toContain(ENDPOINT_A);

    // tRPC too: the same rule for the UI's calls.
    const trpc = await http('GET', '/api/trpc/pipelines.list', undefined, asB);
    expect(trpc.status).toBe(200);
    expect(JSON.stringify(trpc.data)).not.toContain('penguin-species');
  });

  it("a token of B gets 404 for A's things by name and by id, as if they did not exist", async () => {
    const asB = B.as('admin');
    const notFound = async (method: string, path: string, body?: unknown) => {
      const res = await http(method, path, body, asB);
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.data)}`).toBe(404);
    };
    // Pipelines (seeded in A only) and runs of A by id.
    await notFound('GET', '/api/v1/pipelines/penguin-species');
    await notFound('POST', '/api/v1/pipelines/penguin-species/runs', {});
    await notFound('GET', `/api/v1/runs/${runs.a}`);
    await notFound('POST', `/api/v1/runs/${runs.a}/cancel`);
    await notFound('POST', `/api/v1/runs/${runs.a}/resume`);
    await notFound('GET', `/api/v1/runs/${runs.a}/steps/split/logs`);
    await notFound('GET', `/api/v1/runs/${runs.a}/steps/split/outputs/train/preview`);
    await notFound('GET', `/api/v1/runs/${runs.a}/steps/split/outputs/train/stats`);
    await notFound('GET', `/api/v1/runs/${runs.a}/steps/export/file`);
    // Datasets (the seeded penguins is A's).
    await notFound('GET', '/api/v1/datasets/penguins');
    await notFound('GET', '/api/v1/datasets/penguins/versions');
    await notFound('GET', '/api/v1/datasets/penguins/versions/1/preview');
    // An endpoint only A has: read, predict, history, roll back.
    await notFound('GET', `/api/v1/endpoints/${ENDPOINT_A}`);
    await notFound('GET', `/api/v1/endpoints/${ENDPOINT_A}/history`);
    await notFound('POST', `/api/v1/endpoints/${ENDPOINT_A}/predict`, { rows: [penguin()] });
    await notFound('POST', `/api/v1/endpoints/${ENDPOINT_A}/rollback`, { version: 1 });

    // tRPC answers the same: NOT_FOUND (404), for a read by id and for a start by name.
    const trpcRun = await http('GET', `/api/trpc/runs.get?input=${encodeURIComponent(JSON.stringify({ json: { runId: runs.a } }))}`, undefined, asB);
    expect(trpcRun.status, JSON.stringify(trpcRun.data)).toBe(404);
    const trpcStart = await http('POST', '/api/trpc/runs.start', { json: { pipeline: 'penguin-species' } }, asB);
    expect(trpcStart.status, JSON.stringify(trpcStart.data)).toBe(404);
    const trpcEndpoint = await http('GET', `/api/trpc/endpoints.get?input=${encodeURIComponent(JSON.stringify({ json: { name: ENDPOINT_A } }))}`, undefined, asB);
    expect(trpcEndpoint.status, JSON.stringify(trpcEndpoint.data)).toBe(404);

    // The same run id answers A.
    expect((await http('GET', `/api/v1/runs/${runs.a}`, undefined, A())).status).toBe(200);
    expect((await http('GET', `/api/v1/runs/${runs.a}/steps/split/outputs/train/preview`, undefined, A())).status).toBe(200);
    expect((await http('GET', `/api/v1/runs/${runs.a}/steps/export/file`, undefined, A())).status).toBe(200);
    expect((await http('GET', `/api/v1/endpoints/${ENDPOINT_A}`, undefined, A())).status).toBe(200);
  });

  it('the same endpoint name serves each workspace its own model', async () => {
    const [a, b] = await Promise.all([
      http('POST', `/api/v1/endpoints/${ENDPOINT}/predict`, { rows: [penguin()] }, A()),
      http('POST', `/api/v1/endpoints/${ENDPOINT}/predict`, { rows: [penguin()] }, B.as('viewer')),
    ]);
    expect(a.status, JSON.stringify(a.data)).toBe(200);
    expect(b.status, JSON.stringify(b.data)).toBe(200);
    const served = await sql<{ workspace_id: string; run_id: string }[]>`
      select e.workspace_id, v.run_id from endpoints e join model_versions v on v.id = e.model_version_id where e.name = ${ENDPOINT}`;
    expect(served.find((e) => e.workspace_id === B.id)?.run_id).toBe(runs.b);
    const modelB = await http('GET', `/api/v1/models/${MODEL}`, undefined, B.as('viewer'));
    expect(modelB.status).toBe(200);
    expect(JSON.stringify(modelB.data)).toContain(runs.b);
    expect(JSON.stringify(modelB.data)).not.toContain(runs.a);
  });

  it('schedules of the same name stay apart, and a schedule of B starts its run in B', async () => {
    const base = `/api/v1/pipelines/${PIPELINE}/schedules`;
    const yearly = { kind: 'cron', cron: '0 3 1 1 *', timezone: 'UTC' };
    expect((await http('POST', base, { name: 'nightly', spec: yearly }, A())).status).toBe(201);
    expect((await http('POST', base, { name: 'nightly', spec: yearly }, B.as('editor'))).status).toBe(201);
    expect((await http('POST', base, { name: 'only-a', spec: yearly }, A())).status).toBe(201);
    try {
      const listB = await http('GET', '/api/v1/schedules', undefined, B.as('viewer'));
      expect(listB.status).toBe(200);
      expect(JSON.stringify(listB.data)).toContain('nightly');
      expect(JSON.stringify(listB.data)).not.toContain('only-a');
      for (const [method, path] of [
        ['GET', `${base}/only-a`],
        ['POST', `${base}/only-a/trigger`],
        ['POST', `${base}/only-a/pause`],
        ['DELETE', `${base}/only-a`],
      ] as const) {
        const res = await http(method, path, undefined, B.as('admin'));
        expect(res.status, `${method} ${path}: ${JSON.stringify(res.data)}`).toBe(404);
      }
      const notes = await sql<{ schedule_id: string; workspace_id: string; created_role: string }[]>`
        select schedule_id, workspace_id, created_role from schedule_notes where name = 'nightly' and schedule_id like ${'%' + PIPELINE + ':nightly'}`;
      // `default` keeps the plain id; B's is prefixed with its workspace id, so both live in Temporal.
      expect(notes.find((n) => n.workspace_id === defaultId)?.schedule_id).toBe(`${PIPELINE}:nightly`);
      expect(notes.find((n) => n.workspace_id === B.id)?.schedule_id).toBe(`${B.id}:${PIPELINE}:nightly`);
      expect(notes.find((n) => n.workspace_id === B.id)?.created_role).toBe('editor');

      // Fired now: the run is B's, with the schedule creator's authority (an editor: no production deploy).
      expect((await http('POST', `${base}/nightly/trigger`, undefined, B.as('editor'))).status).toBe(202);
      let runId: string | undefined;
      const deadline = Date.now() + 60_000;
      while (!runId) {
        const list = await http('GET', `/api/v1/runs?pipeline=${PIPELINE}`, undefined, B.as('viewer'));
        runId = list.data.runs.find((r: { trigger: string }) => r.trigger === 'schedule')?.runId;
        if (!runId && Date.now() > deadline) throw new Error(`no scheduled run in B: ${JSON.stringify(list.data)}`);
        if (!runId) await new Promise((r) => setTimeout(r, 500));
      }
      const run = await waitForRunAs(runId, B.as('viewer'));
      expect(run.status, JSON.stringify(run)).toBe('succeeded');
      expect(step(run, 'ship').summary.skipped).toMatch(/needs a deployer/);
      const [row] = await sql<{ workspace_id: string; started_role: string }[]>`select workspace_id, started_role from runs where id = ${runId}`;
      expect(row).toEqual({ workspace_id: B.id, started_role: 'editor' });
      expect((await http('GET', `/api/v1/runs/${runId}`, undefined, A())).status).toBe(404);
    } finally {
      await http('DELETE', `${base}/nightly`, undefined, A());
      await http('DELETE', `${base}/only-a`, undefined, A());
      await http('DELETE', `${base}/nightly`, undefined, B.as('admin'));
    }
  });
  it("a webhook trigger of B starts its run in B with its creator's authority; A cannot see the trigger", async () => {
    const created = await http('POST', `/api/v1/pipelines/${PIPELINE}/triggers`, { kind: 'webhook' }, B.as('editor'));
    expect(created.status, JSON.stringify(created.data)).toBe(201);
    const { id, token } = created.data as { id: string; token: string };
    try {
      expect((await http('GET', `/api/v1/triggers/${id}`, undefined, A())).status).toBe(404);
      expect((await http('POST', `/api/v1/triggers/${id}/rotate`, undefined, A())).status).toBe(404);
      expect((await http('GET', `/api/v1/triggers/${id}`, undefined, B.as('viewer'))).status).toBe(200);
      // The hook's own token, not a member's: the run is B's all the same.
      const fired = await http('POST', `/api/v1/hooks/${id}`, {}, { authorization: `Bearer ${token}` });
      expect(fired.status, JSON.stringify(fired.data)).toBe(202);
      const run = await waitForRunAs(fired.data.runId, B.as('viewer'));
      expect(run.status, JSON.stringify(run)).toBe('succeeded');
      const [row] = await sql<{ workspace_id: string; started_role: string }[]>`select workspace_id, started_role from runs where id = ${fired.data.runId}`;
      expect(row).toEqual({ workspace_id: B.id, started_role: 'editor' });
      expect((await http('GET', `/api/v1/runs/${fired.data.runId}`, undefined, A())).status).toBe(404);
    } finally {
      await http('DELETE', `/api/v1/triggers/${id}`, undefined, B.as('admin'));
    }
  });
});

describe.sequential('who may deploy to production', () => {
  const servedRun = async () =>
    (await sql<{ run_id: string }[]>`
      select v.run_id from endpoints e join model_versions v on v.id = e.model_version_id where e.workspace_id = ${defaultId} and e.name = ${ENDPOINT}`)[0]!.run_id;

  it("an editor's run does not promote to production, and says it needs a deployer", async () => {
    const before = await servedRun();
    const runId = await start(A('editor'), { ignoreCache: true });
    const run = await waitForRunAs(runId, A());
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    expect(step(run, 'ship').summary.skipped).toMatch(/^not promoted: needs a deployer: this run was started by token test editor .*\(editor\)/);
    expect(step(run, 'shipA').summary.skipped).toMatch(/needs a deployer/);
    expect(await servedRun()).toBe(before);
    const [row] = await sql<{ started_role: string; started_by: string }[]>`select started_role, started_by from runs where id = ${runId}`;
    expect(row!.started_role).toBe('editor');
    expect(row!.started_by).toMatch(/^token test editor/);
  });

  it("a deployer's run promotes", async () => {
    const runId = await start(A('deployer'), { ignoreCache: true });
    const run = await waitForRunAs(runId, A());
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    expect(step(run, 'ship').summary.skipped).toBeUndefined();
    expect(await servedRun()).toBe(runId);
  });

  it("an editor's run whose deploy step a deployer approved promotes", async () => {
    const doc = pipelineDoc();
    doc.nodes.find((n) => n.id === 'ship')!.params.requireApproval = true;
    await save(A('editor'), doc);
    const runId = await start(A('editor'), { ignoreCache: true });
    const deadline = Date.now() + 120_000;
    for (;;) {
      const r = (await http('GET', `/api/v1/runs/${runId}`, undefined, A())).data;
      if (step(r, 'ship').summary?.awaiting === 'approval') break;
      if (['succeeded', 'failed', 'cancelled'].includes(r.status) || Date.now() > deadline) throw new Error(`never waited for approval: ${JSON.stringify(r)}`);
      await new Promise((res) => setTimeout(res, 300));
    }
    const decided = await http('POST', `/api/v1/runs/${runId}/approvals/ship`, { decision: 'approve' }, A('deployer'));
    expect(decided.status, JSON.stringify(decided.data)).toBe(200);
    const run = await waitForRunAs(runId, A());
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    expect(step(run, 'ship').summary.skipped).toBeUndefined();
    expect(await servedRun()).toBe(runId);
  });

  it("B finds none of the model versions only A has", async () => {
    // A has several versions of the model by now, B one.
    for (const path of [`/api/v1/models/${MODEL}/versions/2`, `/api/v1/models/${MODEL}/versions/2/onnx`, `/api/v1/models/${MODEL}/versions/2/card`]) {
      expect((await http('GET', path, undefined, A())).status, path).toBe(200);
      expect((await http('GET', path, undefined, B.as('admin'))).status, path).toBe(404);
    }
  });
});
