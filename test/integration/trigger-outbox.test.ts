// Dataset-version triggers through their outbox, against the real stack: a version stored while the
// Temporal server is stopped starts its run once Temporal is back, exactly once; and a version delivered
// twice to a trigger's debounce workflow (the outbox repeats a delivery it could not confirm) starts one run.
import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { datasetTriggerWorkflowIdOf } from '../../workflows/core/schedule-spec';
import { http, waitForRun } from '../support/http';

const tiny = (name: string, dataset: string) => ({
  apiVersion: 'millrace/v1',
  name,
  nodes: [{ id: 'load', type: 'ingest.dataset', params: { dataset } }],
  edges: [],
});

const upload = (name: string, csv: string) => http('POST', `/api/v1/datasets?name=${name}`, csv, { 'content-type': 'text/csv' });

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 400));
  }
}

/** The test stack's Temporal dev server: the processes started with `server start-dev … --port <its port>`, and their children. */
function temporalServerPids(): number[] {
  const port = inject('temporalAddress').split(':').pop()!;
  const parents = new Map<number, number>();
  const roots: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      if (args.includes('start-dev') && args[args.indexOf('--port') + 1] === port) roots.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  const tree = [...roots];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === tree[i] && !tree.includes(pid)) tree.push(pid);
  }
  return tree;
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // gone meanwhile
    }
  }
}

let sql: postgres.Sql;

beforeAll(async () => {
  sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
  for (const name of ['outbox-arrivals', 'outbox-twice']) {
    expect((await upload(name, 'id,value\n1,10\n')).status).toBe(201);
    expect((await http('PUT', `/api/v1/pipelines/on-${name}`, tiny(`on-${name}`, name))).status).toBe(200);
  }
});

afterAll(async () => {
  await sql?.end();
});

async function createTrigger(dataset: string, debounceSeconds: number): Promise<string> {
  const created = await http('POST', `/api/v1/pipelines/on-${dataset}/triggers`, { kind: 'dataset', dataset, debounceSeconds });
  expect(created.status, JSON.stringify(created.data)).toBe(201);
  return created.data.id;
}

async function firingsOf(triggerId: string) {
  return sql<{ run_id: string | null; status: string; payload: { versions: { dataset: string; version: number }[] } }[]>`
    select run_id, status, payload from trigger_firings where trigger_id = ${triggerId} order by created_at`;
}

async function withTemporal<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  try {
    return await fn(new Client({ connection }));
  } finally {
    await connection.close();
  }
}

describe('a dataset trigger while Temporal is down', () => {
  it('keeps the new version and starts its run, exactly once, when Temporal is back', async () => {
    const triggerId = await createTrigger('outbox-arrivals', 1);
    const server = temporalServerPids();
    expect(server.length, 'the Temporal dev server of the test stack').toBeGreaterThan(0);

    // Stopped first (it accepts connections and answers nothing), then killed: the launcher restarts it.
    signal(server, 'SIGSTOP');
    try {
      const stored = await upload('outbox-arrivals', 'id,value\n1,10\n2,20\n');
      expect(stored.status, JSON.stringify(stored.data)).toBe(201);
      expect(stored.data).toMatchObject({ version: 2, created: true });

      const [event] = await sql`select id from dataset_trigger_events where trigger_id = ${triggerId} and version = 2`;
      expect(event, 'the outbox event written with the version').toBeDefined();
      const failed = await until('a delivery attempt to fail while Temporal is down', async () => {
        const [row] = await sql<{ attempts: number; last_error: string | null; delivered_at: Date | null }[]>`
          select attempts, last_error, delivered_at from dataset_trigger_events where id = ${event!.id}`;
        return row && row.attempts > 0 ? row : undefined;
      });
      expect(failed.last_error).toBeTruthy();
      expect(failed.delivered_at).toBeNull();
      expect(await firingsOf(triggerId)).toEqual([]);
    } finally {
      signal(server, 'SIGKILL');
    }

    await until('the Temporal dev server to be restarted', async () => {
      const now = temporalServerPids();
      return now.length > 0 && !now.some((pid) => server.includes(pid)) ? true : undefined;
    });
    const [firing] = await until('the trigger to fire', async () => {
      const rows = await firingsOf(triggerId);
      return rows.length > 0 ? rows : undefined;
    });
    expect(firing!.status).toBe('started');
    expect(firing!.payload.versions).toEqual([{ dataset: 'outbox-arrivals', version: 2 }]);
    expect((await waitForRun(firing!.run_id!)).status).toBe('succeeded');

    // Once: its debounce workflow fired once and ended, every event is delivered, and there is one run.
    const result = await until('the debounce workflow to end', () =>
      withTemporal((client) => client.workflow.getHandle(datasetTriggerWorkflowIdOf(triggerId)).result()),
    );
    expect(result).toEqual({ firings: 1 });
    const undelivered = await sql`select id from dataset_trigger_events where trigger_id = ${triggerId} and delivered_at is null`;
    expect(undelivered).toEqual([]);
    expect(await firingsOf(triggerId)).toHaveLength(1);
    const runs = (await http('GET', '/api/v1/pipelines/on-outbox-arrivals/runs')).data.runs;
    expect(runs).toHaveLength(1);
    expect(runs[0].runId).toBe(firing!.run_id);
  });
});

describe('a dataset version delivered twice', () => {
  it('counts once in the debounce workflow, and a delivery after the workflow ended starts no second run', async () => {
    const triggerId = await createTrigger('outbox-twice', 3);
    const workflowId = datasetTriggerWorkflowIdOf(triggerId);
    expect((await upload('outbox-twice', 'id,value\n1,10\n2,20\n')).data).toMatchObject({ version: 2, created: true });
    // The same delivery twice more, as the outbox would repeat one it could not confirm, while the workflow waits.
    await withTemporal(async (client) => {
      for (let i = 0; i < 2; i++) {
        await client.workflow.signalWithStart('datasetTriggerWorkflow', {
          workflowId,
          taskQueue: inject('taskQueue'),
          args: [{ triggerId, debounceSeconds: 3 }],
          signal: 'datasetVersion',
          signalArgs: [{ dataset: 'outbox-twice', version: 2 }],
        });
      }
    });
    const result = await until('the debounce workflow to end', () => withTemporal((client) => client.workflow.getHandle(workflowId).result()));
    expect(result).toEqual({ firings: 1 });
    const [firing] = await firingsOf(triggerId);
    expect(firing!.payload.versions).toEqual([{ dataset: 'outbox-twice', version: 2 }]);
    expect((await waitForRun(firing!.run_id!)).status).toBe('succeeded');

    // The outbox delivers the event again after the workflow ended: a new execution hears of version 2,
    // which already started a run.
    const [event] = await sql<{ id: string; attempts: number }[]>`
      select id, attempts from dataset_trigger_events where trigger_id = ${triggerId} and version = 2 and delivered_at is not null`;
    expect(event, 'the event, delivered').toBeDefined();
    const firstRun = await withTemporal(async (client) => (await client.workflow.getHandle(workflowId).describe()).runId);
    await sql`update dataset_trigger_events set delivered_at = null, next_attempt_at = now() where id = ${event!.id}`;
    await until('the worker to deliver it again', async () => {
      const [row] = await sql<{ attempts: number }[]>`select attempts from dataset_trigger_events where id = ${event!.id} and delivered_at is not null`;
      return row && row.attempts > event!.attempts ? true : undefined;
    });
    const again = await until('the new execution to end', () =>
      withTemporal(async (client) => {
        const handle = client.workflow.getHandle(workflowId);
        const described = await handle.describe();
        return described.runId !== firstRun && described.status.name === 'COMPLETED' ? true : undefined;
      }),
    );
    expect(again).toBe(true);
    expect(await firingsOf(triggerId)).toHaveLength(1);
    expect((await http('GET', '/api/v1/pipelines/on-outbox-twice/runs')).data.runs).toHaveLength(1);
  });
});
