// Endpoint slots and the promotion rules, through real runs: an older run never replaces a newer run's
// model (the deploy step skips), another pipeline needs takeOver (refused, addressed to its deploy step),
// a model with other features is refused, the staging slot answers ?slot=staging, and rollback points a
// slot back at a version the endpoint served.
import fs from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { http, step, waitForRun } from '../support/http';
import { penguin } from '../support/penguin-row';

const ENDPOINT = 'slots';
const OWNER = 'slots-owner';
const OTHER = 'slots-other';

type Node = { id: string; type: string; params: Record<string, unknown> };
let base: { nodes: Node[]; edges: { from: string; to: string }[] };

/** penguin-species deploying to ENDPOINT, with the deploy step's and train step's params overridden. */
async function savePipeline(name: string, ship: Record<string, unknown>, opts: { approval?: boolean; train?: Record<string, unknown> } = {}) {
  const doc = structuredClone(base) as any;
  doc.name = name;
  const train = doc.nodes.find((n: Node) => n.id === 'train');
  Object.assign(train.params, opts.train ?? {});
  doc.nodes.find((n: Node) => n.id === 'ship').params = { endpoint: ENDPOINT, ...ship };
  if (opts.approval) {
    // Deploy after a person approves, so the test decides which run promotes first.
    doc.nodes = doc.nodes.filter((n: Node) => n.id !== 'gate');
    doc.nodes.push({ id: 'approve', type: 'control.approval', params: {} });
    doc.edges = doc.edges.filter((e: { from: string }) => !e.from.startsWith('gate.') && !e.from.startsWith('eval.'));
    doc.edges.push({ from: 'approve.pass', to: 'ship.after' });
  }
  const saved = await http('PUT', `/api/v1/pipelines/${name}`, doc);
  expect(saved.status, JSON.stringify(saved.data)).toBe(200);
}

async function run(pipeline: string) {
  const { status, data } = await http('POST', `/api/v1/pipelines/${pipeline}/runs`, { ignoreCache: true });
  expect(status, JSON.stringify(data)).toBe(202);
  return waitForRun(data.runId);
}

async function awaitingApproval(pipeline: string): Promise<string> {
  const { data } = await http('POST', `/api/v1/pipelines/${pipeline}/runs`, { ignoreCache: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    const r = (await http('GET', `/api/v1/runs/${data.runId}`)).data;
    if (step(r, 'approve').summary?.awaiting === 'approval' && step(r, 'train').status === 'succeeded') return data.runId;
    if (['succeeded', 'failed', 'cancelled'].includes(r.status) || Date.now() > deadline) throw new Error(`run never waited for approval: ${JSON.stringify(r)}`);
    await new Promise((res) => setTimeout(res, 300));
  }
}

async function approve(runId: string) {
  expect((await http('POST', `/api/v1/runs/${runId}/approvals/approve`, { decision: 'approve' })).status).toBe(200);
  const done = await waitForRun(runId);
  expect(done.status, JSON.stringify(done)).toBe('succeeded');
  return done;
}

const predict = (query = '', headers: Record<string, string> = {}) => http('POST', `/api/v1/endpoints/${ENDPOINT}/predict${query}`, { rows: [penguin()] }, headers);
const history = async () => (await http('GET', `/api/v1/endpoints/${ENDPOINT}/history`)).data.events;

beforeAll(async () => {
  base = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8'));
});

describe.sequential('endpoint slots and promotion rules', () => {
  let newer: { model: string; version: number; modelVersionId: string };
  let olderSummary: Record<string, unknown>;

  it('a run that started before the served model’s run never replaces it: its deploy step skips, saying why', async () => {
    await savePipeline(OWNER, {}, { approval: true });
    const older = await awaitingApproval(OWNER);
    const later = await awaitingApproval(OWNER);
    await approve(later);
    const served = (await predict()).data;
    newer = { model: served.model, version: served.modelVersion, modelVersionId: (await history())[0].to.modelVersionId };
    expect(newer.model).toBe(`${OWNER}.train`);

    const done = await approve(older);
    olderSummary = step(done, 'ship').summary;
    expect(olderSummary.skipped).toMatch(/comes from a run that started before the run of the production model/);
    expect(olderSummary.modelVersion).not.toBe(newer.version);
    expect((await predict()).data.modelVersion).toBe(newer.version);
    expect((await history()).length, 'a skipped promotion records nothing').toBe(1);
  });

  it('another pipeline’s deploy step is refused unless it takes over, which is recorded', async () => {
    await savePipeline(OTHER, {});
    const refused = await run(OTHER);
    expect(refused.status).toBe('failed');
    expect(step(refused, 'ship').status).toBe('failed');
    expect(step(refused, 'ship').error).toMatch(new RegExp(`Endpoint "${ENDPOINT}" belongs to pipeline "${OWNER}": set "Take over" on deploy step "ship"`));
    expect((await predict()).data.modelVersion).toBe(newer.version);

    await savePipeline(OTHER, { takeOver: true });
    const took = await run(OTHER);
    expect(took.status, JSON.stringify(took)).toBe('succeeded');
    expect(step(took, 'ship').summary.tookOver).toBe(true);
    expect((await predict()).data.model).toBe(`${OTHER}.train`);
    expect((await history())[0]).toMatchObject({ kind: 'takeover', slot: 'production', actor: expect.stringMatching(/^run:/) });

  });

  it('a model whose features differ from the served model is refused; staging answers ?slot=staging', async () => {
    await savePipeline(OTHER, { slot: 'staging' }, { train: { features: ['Beak Length (mm)', 'Beak Depth (mm)'] } });
    const refused = await run(OTHER);
    expect(refused.status).toBe('failed');
    expect(step(refused, 'ship').error).toMatch(/has other features than the production model .*no longer takes .*Body Mass \(g\):number.*set "Allow schema change"/);

    expect((await predict('?slot=staging')).status, 'nothing in staging yet').toBe(404);
    await savePipeline(OTHER, { slot: 'staging' });
    const staged = await run(OTHER);
    expect(staged.status, JSON.stringify(staged)).toBe('succeeded');
    const production = (await predict()).data;
    const staging = (await predict('?slot=staging')).data;
    expect(staging.slot).toBe('staging');
    expect(staging.modelVersion).toBe(step(staged, 'ship').summary.modelVersion);
    expect(production.modelVersion).not.toBe(staging.modelVersion);
    expect(production.slot).toBeUndefined();
    expect((await predict('', { 'X-Millrace-Slot': 'staging' })).data.modelVersion).toBe(staging.modelVersion);
    const bad = await predict('?slot=canary');
    expect(bad.status).toBe(400);
    expect(bad.data.error).toMatch(/slot must be "production" or "staging"/);
    expect((await history())[0]).toMatchObject({ kind: 'promotion', slot: 'staging' });
    expect((await http('GET', `/api/v1/endpoints/${ENDPOINT}`)).data).toMatchObject({
      modelVersion: production.modelVersion,
      staging: { model: `${OTHER}.train`, modelVersion: staging.modelVersion },
      challenger: { mode: 'none', canaryPercent: 10 },
      owner: OTHER,
    });
  });

  it('a canary staging slot answers its share of production requests; a shadow scores every one, logged with its slot', async () => {
    const production = (await predict('?slot=production')).data;
    await savePipeline(OTHER, { slot: 'staging', challenger: 'canary', canaryPercent: 100 });
    const canary = await run(OTHER);
    expect(canary.status, JSON.stringify(canary)).toBe('succeeded');
    const staged = step(canary, 'ship').summary.modelVersion;
    for (let i = 0; i < 3; i++) expect((await predict()).data).toMatchObject({ slot: 'staging', modelVersion: staged });
    // Naming a slot bypasses the challenger.
    expect((await predict('?slot=production')).data.modelVersion).toBe(production.modelVersion);

    await savePipeline(OTHER, { slot: 'staging', challenger: 'canary', canaryPercent: 0 });
    expect((await run(OTHER)).status).toBe('succeeded');
    for (let i = 0; i < 3; i++) expect((await predict()).data.modelVersion).toBe(production.modelVersion);

    await savePipeline(OTHER, { slot: 'staging', challenger: 'shadow' });
    const shadowRun = await run(OTHER);
    expect(shadowRun.status).toBe('succeeded');
    const requestId = `shadow-${Date.now()}`;
    const answered = await predict('', { 'X-Request-Id': requestId });
    expect(answered.data.modelVersion).toBe(production.modelVersion);
    expect(answered.data.slot).toBeUndefined();
    // Both models' predictions are logged (off the request path), each with its slot.
    const sql = postgres(inject('databaseUrl'), { max: 1 });
    try {
      let logged: { slot: string; shadow: boolean; version: number }[] = [];
      for (const deadline = Date.now() + 30_000; logged.length < 2 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
        logged = await sql`select l.slot, l.shadow, v.version from prediction_logs l join model_versions v on v.id = l.model_version_id
          where l.request_id = ${requestId} order by l.slot`;
      }
      expect(logged).toEqual([
        { slot: 'production', shadow: false, version: production.modelVersion },
        { slot: 'staging', shadow: true, version: step(shadowRun, 'ship').summary.modelVersion },
      ]);
    } finally {
      await sql.end();
    }
  });

  it('"only if better" skips a model not better by the margin; "require approval" waits for a person', async () => {
    const served = (await predict()).data;
    await savePipeline(OTHER, { betterMetric: 'accuracy', betterBy: 1 });
    const notBetter = await run(OTHER);
    expect(notBetter.status, JSON.stringify(notBetter)).toBe('succeeded');
    expect(step(notBetter, 'ship').summary.skipped).toMatch(/not promoted: accuracy [\d.]+ is not better than the production model's [\d.]+ by 1/);
    expect((await predict()).data.modelVersion).toBe(served.modelVersion);

    await savePipeline(OTHER, { betterMetric: 'accuracy', betterBy: 0, requireApproval: true });
    const decideAt = async (decision: 'approve' | 'reject', comment?: string) => {
      const { data } = await http('POST', `/api/v1/pipelines/${OTHER}/runs`, { ignoreCache: true });
      const deadline = Date.now() + 120_000;
      for (;;) {
        const r = (await http('GET', `/api/v1/runs/${data.runId}`)).data;
        if (step(r, 'ship').summary?.awaiting === 'approval') break;
        if (['succeeded', 'failed', 'cancelled'].includes(r.status) || Date.now() > deadline) throw new Error(`deploy never waited for approval: ${JSON.stringify(r)}`);
        await new Promise((res) => setTimeout(res, 300));
      }
      // Nothing promoted while the person thinks it over.
      expect((await predict()).data.modelVersion).toBe(served.modelVersion);
      const decided = await http('POST', `/api/v1/runs/${data.runId}/approvals/ship`, { decision, ...(comment ? { comment } : {}) }, { 'X-Millrace-User': 'dana' });
      expect(decided.status, JSON.stringify(decided.data)).toBe(200);
      return waitForRun(data.runId);
    };
    const rejected = await decideAt('reject', 'not this week');
    expect(rejected.status).toBe('succeeded');
    expect(step(rejected, 'ship').summary.skipped).toMatch(/not promoted: rejected by .*: not this week/);
    expect(rejected.approvals).toMatchObject([{ nodeId: 'ship', decision: 'reject', comment: 'not this week' }]);
    expect((await predict()).data.modelVersion).toBe(served.modelVersion);

    const approved = await decideAt('approve');
    expect(approved.status).toBe('succeeded');
    expect(step(approved, 'ship').summary.skipped).toBeUndefined();
    expect((await predict()).data.modelVersion).toBe(step(approved, 'ship').summary.modelVersion);
  });

  it('rollback points production back at a version it served, for the next request, and is recorded', async () => {
    const url = `/api/v1/endpoints/${ENDPOINT}/rollback`;
    const back = await http('POST', url, { modelVersionId: newer.modelVersionId }, { 'X-Millrace-User': 'dana' });
    expect(back.status, JSON.stringify(back.data)).toBe(200);
    expect(back.data).toMatchObject({ endpoint: ENDPOINT, slot: 'production', model: newer.model, modelVersion: newer.version, changed: true });
    const answered = (await predict()).data;
    expect([answered.model, answered.modelVersion]).toEqual([newer.model, newer.version]);
    // The actor is the caller's token; the X-Millrace-User header a client sends is ignored.
    expect((await history())[0]).toMatchObject({
      kind: 'rollback',
      slot: 'production',
      actor: expect.stringMatching(/^token test admin /),
      to: { modelVersionId: newer.modelVersionId },
    });

    // The same again changes nothing; by version number of the served model likewise.
    expect((await http('POST', url, { version: newer.version })).data.changed).toBe(false);
    // A version the endpoint never served (the skipped one) is refused.
    const never = await http('POST', url, { version: olderSummary.modelVersion });
    expect(never.status).toBe(409);
    expect(never.data.error).toMatch(/never served .* roll back only to a version it served before/);
    for (const body of [{}, { version: 0 }, { version: 1, modelVersionId: newer.modelVersionId }, { modelVersionId: 'x' }, { version: 1, slot: 'canary' }]) {
      expect((await http('POST', url, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await http('POST', '/api/v1/endpoints/no-such-endpoint/rollback', { version: 1 })).status).toBe(404);
  });
});
