// An endpoint's history: a deploy step records one promotion however often it is retried (the infra
// function called again for the same run and step, and a real Temporal retry of the deploy activity after
// a fault), and GET /api/v1/endpoints/{name}/history answers it newest first, paged, refusing bad input.
import fs from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { http, step, waitForRun } from '../support/http';
import { inDefaultWorkspace } from '../support/workspaces';

const PIPELINE = 'deploy-retried';
const ENDPOINT = 'deploy-retried';
/** The deploy node's id, unique to this file: the injected fault fires only for it. */
const SHIP = 'ship_retried';

let registry: typeof import('../../server/infra/model-registry');
let sql: postgres.Sql;

beforeAll(async () => {
  process.env.DATABASE_URL = inject('databaseUrl');
  registry = await inDefaultWorkspace(await import('../../server/infra/model-registry'));
  sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
  // A real fault after the promotion: the deploy activity's final write of its step row fails once (a
  // sequence, unlike a table, keeps its count when the failing transaction rolls back), so Temporal
  // retries the activity and the retry promotes again.
  await sql.unsafe(`
    create sequence if not exists promotion_fault;
    create or replace function promotion_fault() returns trigger language plpgsql as $$
    begin
      if new.node_id = '${SHIP}' and new.status = 'succeeded' then
        if nextval('promotion_fault') = 1 then
          raise exception 'injected fault after the promotion';
        end if;
      end if;
      return new;
    end $$;
    drop trigger if exists promotion_fault on run_steps;
    create trigger promotion_fault before update on run_steps for each row execute function promotion_fault();`);

  const doc = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8'));
  doc.name = PIPELINE;
  // Deploy after a person approves, so the test can act while the run waits; retried quickly.
  doc.nodes = doc.nodes.filter((n: { id: string }) => !['eval', 'gate', 'ship'].includes(n.id));
  doc.nodes.push(
    { id: 'approve', type: 'control.approval', params: {} },
    { id: SHIP, type: 'deploy.endpoint', params: { endpoint: ENDPOINT }, retry: { maximumAttempts: 3, initialIntervalSeconds: 0.1 } },
  );
  doc.edges = [
    { from: 'load.table', to: 'split.table' },
    { from: 'split.train', to: 'train.table' },
    { from: 'train.model', to: `${SHIP}.model` },
    { from: 'approve.pass', to: `${SHIP}.after` },
  ];
  const saved = await http('PUT', `/api/v1/pipelines/${PIPELINE}`, doc);
  expect(saved.status, JSON.stringify(saved.data)).toBe(200);
});

afterAll(async () => {
  await sql?.unsafe('drop trigger if exists promotion_fault on run_steps; drop function if exists promotion_fault(); drop sequence if exists promotion_fault;');
  await sql?.end();
});

async function startAndAwaitApproval(): Promise<string> {
  const { status, data } = await http('POST', `/api/v1/pipelines/${PIPELINE}/runs`, { ignoreCache: true });
  expect(status, JSON.stringify(data)).toBe(202);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const run = (await http('GET', `/api/v1/runs/${data.runId}`)).data;
    if (step(run, 'approve').summary?.awaiting === 'approval' && step(run, 'train').status === 'succeeded') return data.runId;
    if (['succeeded', 'failed', 'cancelled'].includes(run.status) || Date.now() > deadline) throw new Error(`run never waited for approval: ${JSON.stringify(run)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Approves, waits for the run, and checks the deploy step really was retried after the fault. */
async function approveAndFinish(runId: string) {
  await sql`select setval('promotion_fault', 1, false)`;
  expect((await http('POST', `/api/v1/runs/${runId}/approvals/approve`, { decision: 'approve' })).status).toBe(200);
  const run = await waitForRun(runId);
  expect(run.status, JSON.stringify(run)).toBe('succeeded');
  expect(step(run, SHIP).status).toBe('succeeded');
  expect(step(run, SHIP).attempts, 'the deploy activity was retried after the fault').toBe(2);
  return run;
}

const promotionsOf = (runId: string) =>
  sql<{ from_model_version_id: string | null; to_model_version_id: string; actor: string }[]>`
    select from_model_version_id, to_model_version_id, actor from endpoint_events
    where kind = 'promotion' and run_id = ${runId} and node_id = ${SHIP}`;

const served = async () => (await sql<{ model_version_id: string }[]>`select model_version_id from endpoints where name = ${ENDPOINT}`)[0]?.model_version_id;

describe('promotions of an endpoint', () => {
  let first: { runId: string; version: string };
  let second: { runId: string; version: string };

  it('records one promotion when a deploy step promotes again (the same call repeated, at once and later)', async () => {
    const runId = await startAndAwaitApproval();
    const version = (await registry.modelVersionOfStep(runId, 'train'))!.id;
    // What retried attempts of the deploy step do, two of them racing, then one more.
    const by = { runId, nodeId: SHIP };
    await Promise.all([registry.promoteToEndpoint(ENDPOINT, version, by), registry.promoteToEndpoint(ENDPOINT, version, by)]);
    await registry.promoteToEndpoint(ENDPOINT, version, by);
    expect(await promotionsOf(runId)).toEqual([{ from_model_version_id: null, to_model_version_id: version, actor: `run:${runId}` }]);
    expect(await served()).toBe(version);

    // The deploy step itself then runs, fails after its promotion, is retried: still the one promotion.
    const run = await approveAndFinish(runId);
    expect(step(run, SHIP).summary.modelVersion).toBe(step(run, 'train').summary.modelVersion);
    expect(await promotionsOf(runId)).toEqual([{ from_model_version_id: null, to_model_version_id: version, actor: `run:${runId}` }]);
    first = { runId, version };
  });

  it('records one promotion when the deploy activity promotes, fails and is retried by Temporal', async () => {
    const runId = await startAndAwaitApproval();
    const version = (await registry.modelVersionOfStep(runId, 'train'))!.id;
    expect(version).not.toBe(first.version);
    expect(await promotionsOf(runId)).toEqual([]);
    await approveAndFinish(runId);
    expect(await promotionsOf(runId)).toEqual([{ from_model_version_id: first.version, to_model_version_id: version, actor: `run:${runId}` }]);
    expect(await served()).toBe(version);
    second = { runId, version };
  });

  it('refuses a promotion for a run that is no longer running, unless that step already made it', async () => {
    // The step's promotion exists: a late retry succeeds and changes nothing.
    await registry.promoteToEndpoint(ENDPOINT, first.version, { runId: second.runId, nodeId: SHIP });
    expect(await served()).toBe(second.version);
    // Another step of the finished run may not promote.
    await expect(registry.promoteToEndpoint(ENDPOINT, first.version, { runId: second.runId, nodeId: 'other' })).rejects.toThrow(/is succeeded, not running/);
    expect(await served()).toBe(second.version);
  });

  it('GET /api/v1/endpoints/{name}/history lists the promotions newest first, page by page', async () => {
    const page1 = await http('GET', `/api/v1/endpoints/${ENDPOINT}/history?limit=1`);
    expect(page1.status, JSON.stringify(page1.data)).toBe(200);
    expect(page1.data.endpoint).toBe(ENDPOINT);
    expect(page1.data.events).toHaveLength(1);
    const [newest] = page1.data.events;
    expect(newest).toMatchObject({
      kind: 'promotion',
      runId: second.runId,
      nodeId: SHIP,
      actor: `run:${second.runId}`,
      from: { modelVersionId: first.version, model: `${PIPELINE}.train` },
      to: { modelVersionId: second.version, model: `${PIPELINE}.train` },
    });
    expect(newest.to.version).toBe(newest.from.version + 1);
    expect(Date.parse(newest.createdAt)).not.toBeNaN();
    expect(typeof page1.data.nextCursor).toBe('string');

    const page2 = await http('GET', `/api/v1/endpoints/${ENDPOINT}/history?limit=1&cursor=${encodeURIComponent(page1.data.nextCursor)}`);
    expect(page2.status).toBe(200);
    expect(page2.data.events.map((e: { runId: string; from: unknown }) => [e.runId, e.from])).toEqual([[first.runId, null]]);
    expect(page2.data.nextCursor).toBeNull();

    const all = await http('GET', `/api/v1/endpoints/${ENDPOINT}/history`);
    expect(all.data.events.map((e: { runId: string }) => e.runId)).toEqual([second.runId, first.runId]);
    expect(all.data.nextCursor).toBeNull();

    // The dashboard's tRPC procedure answers the same.
    const trpc = await http('GET', `/api/trpc/endpoints.history?input=${encodeURIComponent(JSON.stringify({ json: { name: ENDPOINT } }))}`);
    expect(trpc.status).toBe(200);
    expect(trpc.data.result.data.json.events).toEqual(all.data.events);
    const trpcUnknown = await http('GET', `/api/trpc/endpoints.history?input=${encodeURIComponent(JSON.stringify({ json: { name: 'no-such-endpoint' } }))}`);
    expect(trpcUnknown.status).toBe(404);
  });

  it('GET /api/v1/endpoints/{name}/history answers bad input with a specific 400, an unknown endpoint with 404', async () => {
    const url = `/api/v1/endpoints/${ENDPOINT}/history`;
    const bad: [string, RegExp][] = [
      [`${url}?limit=0`, /limit: at least 1/],
      [`${url}?limit=201`, /limit: at most 200/],
      [`${url}?limit=ten`, /limit: a whole number from 1 to 200, not "ten"/],
      [`${url}?limit=1&limit=2`, /"limit" is given more than once/],
      [`${url}?before=5`, /Unknown query parameter "before"; known: limit, cursor/],
      [`${url}?cursor=not-a-cursor`, /cursor: not a cursor this API gave out/],
      ['/api/v1/endpoints/Not%20An%20Endpoint/history', /Not an endpoint name/],
    ];
    for (const [request, message] of bad) {
      const res = await http('GET', request);
      expect(res.status, request).toBe(400);
      expect(res.data.error, request).toMatch(message);
    }
    const unknown = await http('GET', '/api/v1/endpoints/no-such-endpoint/history');
    expect(unknown.status).toBe(404);
    expect(unknown.data.error).toBe('Endpoint "no-such-endpoint" was not found');

    const openapi = (await http('GET', '/api/v1/openapi.json')).data;
    expect(openapi.paths['/api/v1/endpoints/{name}/history'].get.responses).toHaveProperty('404');
  });
});
