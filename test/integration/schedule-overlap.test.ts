import { Client, Connection, type ScheduleOverlapPolicy } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { http, step, TERMINAL, waitForRun } from '../support/http';
import { until } from '../support/wait';

// The overlap policies against the real Temporal server. Each pipeline's run waits for an approval, so it
// stays in flight until the test approves it; the schedule is triggered with its own overlap policy (as a
// time coming round would be), and what happened is read from Temporal's description and the runs table.

const POLICIES = { skip: 'SKIP', buffer_one: 'BUFFER_ONE', allow_all: 'ALLOW_ALL' } as const satisfies Record<string, ScheduleOverlapPolicy>;
type Policy = keyof typeof POLICIES;

let connection: Connection;
let client: Client;

const pipelineOf = (policy: Policy) => `overlap-${policy.replace('_', '-')}`;
const scheduleIdOf = (policy: Policy) => `${pipelineOf(policy)}:held`;

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
});

afterAll(async () => {
  for (const policy of Object.keys(POLICIES) as Policy[]) {
    await http('DELETE', `/api/v1/pipelines/${pipelineOf(policy)}/schedules/held`);
    for (const r of await runsOf(pipelineOf(policy)).catch(() => [])) if (!TERMINAL.includes(r.status)) await http('POST', `/api/v1/runs/${r.runId}/cancel`);
  }
  await connection?.close();
});


/** The pipeline's runs from the runs table, oldest first. */
async function runsOf(pipeline: string): Promise<any[]> {
  const list = await http('GET', `/api/v1/pipelines/${pipeline}/runs`);
  expect(list.status).toBe(200);
  const runs = await Promise.all(list.data.runs.map(async (r: any) => (await http('GET', `/api/v1/runs/${r.runId}`)).data));
  return runs.reverse();
}

/** Makes the pipeline and its schedule; a yearly cron, so only the test's triggers fire it. */
async function setUp(policy: Policy) {
  const name = pipelineOf(policy);
  const doc = {
    apiVersion: 'millrace/v1',
    name,
    nodes: [{ id: 'hold', type: 'control.approval', params: { instructions: 'Held open by the overlap test' } }],
    edges: [],
  };
  expect((await http('PUT', `/api/v1/pipelines/${name}`, doc)).status).toBe(200);
  const made = await http('POST', `/api/v1/pipelines/${name}/schedules`, { name: 'held', spec: { kind: 'cron', cron: '0 0 1 1 *', timezone: 'UTC' }, overlap: policy });
  expect(made.status, JSON.stringify(made.data)).toBe(201);
  expect(made.data.overlap).toBe(policy);
  return { name, handle: client.schedule.getHandle(scheduleIdOf(policy)) };
}

/**
 * Triggers the schedule with its overlap policy. Temporal names each started workflow after the trigger's
 * time to the second, so every trigger waits for a second of its own.
 */
async function trigger(policy: Policy) {
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
  await client.schedule.getHandle(scheduleIdOf(policy)).trigger(POLICIES[policy]);
}

/** Approves the run's waiting step as soon as it waits. */
async function release(runId: string) {
  await until(`run ${runId} waiting for approval`, async () => {
    const { data } = await http('GET', `/api/v1/runs/${runId}`);
    return step(data, 'hold').summary?.awaiting === 'approval' ? true : undefined;
  });
  const decided = await http('POST', `/api/v1/runs/${runId}/approvals/hold`, { decision: 'approve' });
  expect(decided.status, JSON.stringify(decided.data)).toBe(200);
  expect((await waitForRun(runId)).status).toBe('succeeded');
}

describe('schedule overlap policies', () => {
  it('skip: no second run starts while one is in flight', async () => {
    const { name, handle } = await setUp('skip');
    await trigger('skip');
    await until('the first run in flight', async () => ((await handle.describe()).info.runningActions.length === 1 ? true : undefined));
    await trigger('skip');
    await trigger('skip');
    const described = await until('two skipped triggers', async () => {
      const d = await handle.describe();
      return d.info.numActionsSkippedOverlap === 2 ? d : undefined;
    });
    expect(described.info.numActionsTaken).toBe(1);
    expect(described.info.runningActions).toHaveLength(1);
    const runs = await runsOf(name);
    expect(runs).toHaveLength(1);
    expect(runs[0].status).not.toMatch(/succeeded|failed|cancelled/);

    await release(runs[0].runId);
    const after = await until('nothing running', async () => {
      const d = await handle.describe();
      return d.info.runningActions.length === 0 ? d : undefined;
    });
    expect(after.info.numActionsTaken).toBe(1);
    expect(await runsOf(name)).toHaveLength(1);
  });

  it('buffer one: exactly one more run starts after the first ends, later triggers are dropped', async () => {
    const { name, handle } = await setUp('buffer_one');
    await trigger('buffer_one');
    await until('the first run in flight', async () => ((await handle.describe()).info.runningActions.length === 1 ? true : undefined));
    await trigger('buffer_one'); // buffered
    await trigger('buffer_one'); // dropped: the buffer already holds one
    await trigger('buffer_one'); // dropped
    const described = await until('two dropped triggers', async () => {
      const d = await handle.describe();
      return d.info.numActionsSkippedOverlap === 2 ? d : undefined;
    });
    expect(described.info.numActionsTaken).toBe(1);
    const first = await runsOf(name);
    expect(first).toHaveLength(1);

    await release(first[0].runId);
    // The buffered time starts its run once the first run (and its schedule workflow) has ended.
    const two = await until('the buffered run', async () => {
      const runs = await runsOf(name);
      return runs.length === 2 ? runs : undefined;
    });
    const ended = await http('GET', `/api/v1/runs/${two[0].runId}`);
    expect(ended.data.status).toBe('succeeded');
    expect(Date.parse(two[1].createdAt)).toBeGreaterThanOrEqual(Date.parse(ended.data.finishedAt));
    await release(two[1].runId);
    const after = await until('nothing running', async () => {
      const d = await handle.describe();
      return d.info.runningActions.length === 0 ? d : undefined;
    });
    expect(after.info.numActionsTaken).toBe(2);
    expect(after.info.numActionsSkippedOverlap).toBe(2);
    expect(await runsOf(name)).toHaveLength(2);
  });

  it('allow all: every trigger starts a run at once, beside the ones in flight', async () => {
    const { name, handle } = await setUp('allow_all');
    for (let i = 0; i < 3; i++) await trigger('allow_all');
    // Temporal does not follow the workflows it starts under "allow all" (nothing waits for them), so its
    // description counts the actions taken rather than listing them as running.
    const described = await until('three actions taken', async () => {
      const d = await handle.describe();
      return d.info.numActionsTaken === 3 ? d : undefined;
    });
    expect(described.info.numActionsSkippedOverlap).toBe(0);
    expect(new Set(described.info.recentActions.map((a) => a.action.workflow.workflowId)).size).toBe(3);
    const runs = await until('three runs in the runs table', async () => {
      const all = await runsOf(name);
      return all.length === 3 ? all : undefined;
    });
    // All three are in flight together: none ends before its approval.
    for (const r of runs) expect(TERMINAL).not.toContain(r.status);
    for (const r of runs) await release(r.runId);
    expect(await runsOf(name)).toHaveLength(3);
  });
});
