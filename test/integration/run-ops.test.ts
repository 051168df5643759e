import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { workflowIdOf } from '../../server/services/runs';
import { http, step, waitForRun } from '../support/http';

// Step cache, fix and resume, and approval steps, against the real stack. "Did not run" is read from
// Temporal's history: a step that ran has an ActivityTaskScheduled event for its activity (train steps:
// the Python worker's fitModel); the cache lookup is a local activity and schedules none.

// Only problems from the SDK in the test output.
Runtime.install({ logger: new DefaultLogger('WARN') });

/** Every run this file finished, replayed at the end. */
const finishedRuns: string[] = [];

const example = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8'));

/** A split seed no other test's pipeline uses: the step cache is shared by every test on the stack. */
const OPS_SEED = 90417;

/** The example with a small tree instead of a forest, without its deploy step, split with `seed`. */
function pipeline(name: string, seed: number, edit: (doc: any) => void = () => {}) {
  const doc = structuredClone(example);
  doc.name = name;
  doc.nodes = doc.nodes.filter((n: any) => n.id !== 'ship');
  doc.edges = doc.edges.filter((e: any) => !e.to.startsWith('ship.'));
  doc.nodes.find((n: any) => n.id === 'split').params.seed = seed;
  Object.assign(doc.nodes.find((n: any) => n.id === 'train'), { type: 'train.decision_tree', params: { target: 'Species', maxDepth: 4 } });
  edit(doc);
  return doc;
}

async function save(doc: any) {
  const res = await http('PUT', `/api/v1/pipelines/${doc.name}`, doc);
  expect(res.status, JSON.stringify(res.data)).toBe(200);
  return res.data.version as number;
}

async function start(name: string, body: Record<string, unknown> = {}) {
  const res = await http('POST', `/api/v1/pipelines/${name}/runs`, body);
  expect(res.status, JSON.stringify(res.data)).toBe(202);
  finishedRuns.push(res.data.runId);
  return res.data.runId as string;
}

let connection: Connection;
let client: Client;
beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
});
afterAll(async () => {
  await connection?.close();
});

/** The activity types the run's workflow scheduled on a task queue, one entry per scheduling. */
async function scheduledActivities(runId: string): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowIdOf(runId)).fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    return name ? [name] : [];
  });
}

describe('step cache', () => {
  it('reuses every cacheable step of an identical earlier run without running it, and runs them all when told to ignore the cache', async () => {
    await save(pipeline('ops-cache', OPS_SEED));
    const first = await waitForRun(await start('ops-cache'));
    expect(first.status).toBe('succeeded');
    for (const s of first.steps) expect(s.cachedFrom, s.nodeId).toBeUndefined();

    const second = await waitForRun(await start('ops-cache'));
    expect(second.status).toBe('succeeded');
    // The newest version of a dataset is read again; what follows from the same bytes is reused.
    expect(step(second, 'load').cachedFrom).toBeUndefined();
    for (const id of ['split', 'train', 'eval', 'gate']) {
      expect(step(second, id).status, id).toBe('succeeded');
      expect(step(second, id).cachedFrom, id).toBe(first.runId);
    }
    expect(step(second, 'eval').summary).toEqual(step(first, 'eval').summary);
    const ran = await scheduledActivities(second.runId);
    expect(ran).toContain('ingest.dataset');
    for (const type of ['prepare.split', 'fitModel', 'validate.evaluate', 'validate.gate']) expect(ran, type).not.toContain(type);

    const fresh = await waitForRun(await start('ops-cache', { ignoreCache: true }));
    expect(fresh.status).toBe('succeeded');
    for (const s of fresh.steps) expect(s.cachedFrom, s.nodeId).toBeUndefined();
    expect(await scheduledActivities(fresh.runId)).toEqual(expect.arrayContaining(['prepare.split', 'fitModel', 'validate.evaluate', 'validate.gate']));
  });

  it('shares a table step across pipelines but not a train step: a model belongs to the pipeline that registers it', async () => {
    await save(pipeline('ops-cache-other', OPS_SEED));
    const other = await waitForRun(await start('ops-cache-other'));
    expect(other.status).toBe('succeeded');
    // The same split of the same bytes, computed by ops-cache: reused.
    expect(step(other, 'split').cachedFrom).toBeDefined();
    // The same fit, but its model is "ops-cache-other.train", not ops-cache's: fitted again.
    expect(step(other, 'train').cachedFrom).toBeUndefined();
    expect(step(other, 'train').summary.model).toBe('ops-cache-other.train');
  });

  it('runs a node that opts out of the cache', async () => {
    await save(pipeline('ops-cache', OPS_SEED, (doc) => Object.assign(doc.nodes.find((n: any) => n.id === 'eval'), { cache: false })));
    const run = await waitForRun(await start('ops-cache'));
    expect(run.status).toBe('succeeded');
    expect(step(run, 'train').cachedFrom).toBeDefined();
    expect(step(run, 'eval').cachedFrom).toBeUndefined();
    expect(await scheduledActivities(run.runId)).toContain('validate.evaluate');
  });
});

describe('millrace run', () => {
  async function millrace(...args: string[]) {
    const { stdout } = await promisify(execFile)(process.execPath, [path.resolve('server/cli/bin.mjs'), ...args], {
      env: { ...process.env, MILLRACE_URL: inject('baseUrl') },
      timeout: 240_000,
    });
    return stdout;
  }

  it('shows cached steps, and runs every step with --no-cache', async () => {
    // The newest ops-cache version has "eval" opted out of the cache; train is cached from the runs above.
    const cached = await millrace('run', 'ops-cache', '--wait');
    expect(cached).toMatch(/train +succeeded \(cached from run [0-9a-f-]{36}\)/);
    finishedRuns.push(/run ([0-9a-f-]{36}) of/.exec(cached)![1]!);
    const fresh = await millrace('run', 'ops-cache', '--wait', '--no-cache');
    expect(fresh).toMatch(/train +succeeded/);
    expect(fresh).not.toContain('cached from run');
    const runId = /run ([0-9a-f-]{36}) of/.exec(fresh)![1]!;
    finishedRuns.push(runId);
    expect(await scheduledActivities(runId)).toContain('fitModel');
  });
});

describe('fix and resume', () => {
  it('resumes a failed run at the failed step with the fixed pipeline, not running the steps that succeeded before it', async () => {
    // A typo in the gate's metric fails the run after training.
    await save(pipeline('ops-resume', 11, (doc) => (doc.nodes.find((n: any) => n.id === 'gate').params.rules[0].metric = 'acuracy')));
    const failed = await waitForRun(await start('ops-resume'));
    expect(failed.status).toBe('failed');
    expect(step(failed, 'gate').error).toMatch(/Metric "acuracy" is not in the metrics/);
    expect(step(failed, 'train').cachedFrom).toBeUndefined();

    const fixedVersion = await save(pipeline('ops-resume', 11));
    const res = await http('POST', `/api/v1/runs/${failed.runId}/resume`, { version: fixedVersion });
    expect(res.status, JSON.stringify(res.data)).toBe(202);
    expect(res.data.version).toBe(fixedVersion);
    finishedRuns.push(res.data.runId);
    const resumed = await waitForRun(res.data.runId);
    expect(resumed.status).toBe('succeeded');
    expect(resumed.rerunOf).toBe(failed.runId);
    expect(resumed.trigger).toBe('resume');
    for (const id of ['load', 'split', 'train', 'eval']) expect(step(resumed, id).cachedFrom, id).toBe(failed.runId);
    expect(step(resumed, 'gate').cachedFrom).toBeUndefined();
    expect(step(resumed, 'gate').summary?.passed).toBe(true);

    const ran = await scheduledActivities(resumed.runId);
    for (const type of ['ingest.dataset', 'prepare.split', 'fitModel', 'validate.evaluate']) expect(ran, type).not.toContain(type);
    expect(ran).toContain('validate.gate');

    const old = (await http('GET', `/api/v1/runs/${failed.runId}`)).data;
    expect(old.resumedBy.map((r: any) => r.runId)).toEqual([resumed.runId]);
    const again = await http('POST', `/api/v1/runs/${resumed.runId}/resume`);
    expect(again.status).toBe(409);
    expect(again.data.error).toMatch(/only a failed or cancelled run can be resumed/);
    expect((await http('POST', `/api/v1/runs/${failed.runId}/resume`, { version: 'two' })).status).toBe(400);
    const { data: openapi } = await http('GET', '/api/v1/openapi.json');
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/v1/runs/{runId}/resume', '/api/v1/runs/{runId}/approvals/{node}']));
  });
});

/** The cache pipeline with an approval between evaluation and a deploy step. */
function approvalPipeline(name: string, approval: Record<string, unknown>) {
  return pipeline(name, 7, (doc) => {
    doc.nodes.push(
      { id: 'approve', type: 'control.approval', params: { instructions: 'Check the accuracy', ...approval } },
      { id: 'ship', type: 'deploy.endpoint', params: { endpoint: name } },
    );
    doc.edges.push({ from: 'eval.metrics', to: 'approve.metrics' }, { from: 'approve.pass', to: 'ship.after' }, { from: 'train.model', to: 'ship.model' });
  });
}

async function waitUntilAwaiting(runId: string, nodeId: string) {
  for (;;) {
    const { data } = await http('GET', `/api/v1/runs/${runId}`);
    if (step(data, nodeId).summary?.awaiting === 'approval') return data;
    if (['succeeded', 'failed', 'cancelled'].includes(data.status)) throw new Error(`run ended before ${nodeId} waited: ${JSON.stringify(data)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('approval step', () => {
  it('waits for a person, records who approved and why, then runs what depends on it', async () => {
    await save(approvalPipeline('ops-approved', {}));
    const runId = await start('ops-approved');
    const waiting = await waitUntilAwaiting(runId, 'approve');
    expect(step(waiting, 'approve').status).toBe('running');
    expect(step(waiting, 'ship').status).toBe('pending');
    // The people who decide are told: one "approval needed" notification for this run and step.
    const { data: inbox } = await http('GET', '/api/v1/notifications');
    const asked = inbox.notifications.filter((n: { event: string; runId: string }) => n.event === 'approval.needed' && n.runId === runId);
    expect(asked.map((n: { nodeId: string }) => n.nodeId)).toEqual(['approve']);

    const url = `/api/v1/runs/${runId}/approvals`;
    expect((await http('POST', `${url}/approve`, { decision: 'maybe' })).data.error).toMatch(/decision must be "approve" or "reject"/);
    const notApproval = await http('POST', `${url}/train`, { decision: 'approve' });
    expect(notApproval.status).toBe(409);
    expect(notApproval.data.error).toBe('"train" is not an approval step of this run');

    const decided = await http('POST', `${url}/approve`, { decision: 'approve', comment: 'Accuracy is fine' }, { 'x-millrace-user': 'dana' });
    expect(decided.status, JSON.stringify(decided.data)).toBe(200);
    // Decided by the caller's token; the X-Millrace-User name the client sent is not an identity.
    expect(decided.data).toMatchObject({ decision: 'approve', by: expect.stringMatching(/^token test admin \(mrt_/), comment: 'Accuracy is fine' });
    const twice = await http('POST', `${url}/approve`, { decision: 'reject' });
    expect(twice.status).toBe(409);
    expect(twice.data.error).toMatch(/already decided \(approve by token test admin /);

    const run = await waitForRun(runId);
    expect(run.status).toBe('succeeded');
    expect(step(run, 'approve').status).toBe('succeeded');
    expect(step(run, 'ship').status).toBe('succeeded');
    expect(run.approvals).toEqual([{ nodeId: 'approve', decision: 'approve', comment: 'Accuracy is fine', by: decided.data.by, at: decided.data.at }]);
    // The run has ended: nothing waits any more.
    expect((await http('POST', `${url}/approve`, { decision: 'approve' })).status).toBe(409);
  });

  it('decides the chosen outcome when the timeout runs out, skipping what depends on a rejection', async () => {
    await save(approvalPipeline('ops-timeout', { timeoutMinutes: 0.05, onTimeout: 'reject' }));
    const run = await waitForRun(await start('ops-timeout'));
    expect(run.status).toBe('succeeded');
    expect(step(run, 'approve').status).toBe('failed');
    expect(step(run, 'approve').error).toBe('Rejected when the timeout ran out');
    expect(step(run, 'ship').status).toBe('skipped');
    expect(run.approvals).toEqual([{ nodeId: 'approve', decision: 'reject', by: 'timeout', at: expect.any(String) }]);
    expect((await http('GET', '/api/v1/endpoints/ops-timeout')).status).toBe(404);
  });
});

it('replays the histories of cached, resumed and approval runs deterministically', async () => {
  expect(finishedRuns.length).toBeGreaterThanOrEqual(7);
  const workflowsPath = fileURLToPath(new URL('../../workflows/engine/pipeline.ts', import.meta.url));
  const histories = await Promise.all(
    finishedRuns.map(async (runId) => ({ workflowId: workflowIdOf(runId), history: await client.workflow.getHandle(workflowIdOf(runId)).fetchHistory() })),
  );
  // One bundle for all; an error is a DeterminismViolationError: today's code would take another path.
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowsPath }, histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  expect(failures).toEqual([]);
});
