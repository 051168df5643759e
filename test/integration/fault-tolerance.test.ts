// A stack that heals itself: its own Millrace stack (free ports, its own data folder) whose processes
// this file kills and freezes while runs are in flight, then checks that every run finished without
// anyone stepping in, that nothing was started twice, and that a frozen dependency got 503s rather
// than hung requests. Recovery times are printed.
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/infra/config';
import { pointAtOwnStack } from '../support/own-stack-env';
import { bootstrapAccounts } from '../../server/auth/bootstrap';
import { REPO_ROOT, startStack, type StackChild, type StackHandle } from '../../server/launcher/stack';

/** The example pipeline with a slower fit (more trees), so the runs are still in flight when something dies. */
const PIPELINE = 'fault-species';
/** The seeded example as it is: for many runs at once. */
const QUICK_PIPELINE = 'penguin-species';
const FINAL = ['succeeded', 'failed', 'cancelled'];

let stack: StackHandle;
let dataDir: string;
let sql: postgres.Sql;
let logFd: number;

interface Answer {
  status: number;
  data: any;
  headers: Headers;
  ms: number;
}

/** One request to the stack's web app; `status` 0 when the connection failed or timed out. */
/** Every run does its work (the step cache would answer the repeats at once: nothing in flight to kill). */
const RUN_FOR_REAL = { ignoreCache: true };

/** The admin's API token on this file's own stack. */
let adminToken = '';

async function call(method: string, urlPath: string, opts: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<Answer> {
  const started = Date.now();
  try {
    const res = await fetch(`${stack.webUrl}${urlPath}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    let data: any = text;
    try {
      data = JSON.parse(text);
    } catch {
      // keep the text
    }
    return { status: res.status, data, headers: res.headers, ms: Date.now() - started };
  } catch (err) {
    return { status: 0, data: String(err), headers: new Headers(), ms: Date.now() - started };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(500);
  }
}

async function startRuns(n: number, label: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await call('POST', `/api/v1/pipelines/${PIPELINE}/runs`, { body: RUN_FOR_REAL, headers: { 'idempotency-key': `${label}-${i}` } });
    expect(res.status, JSON.stringify(res.data)).toBe(202);
    ids.push(res.data.runId);
  }
  return ids;
}

/** Waits (reading Postgres, which may itself be restarting) until every run is in a final state. */
async function waitForFinal(runIds: string[], timeoutMs = 240_000): Promise<Map<string, string>> {
  return waitFor(
    `runs ${runIds.join(', ')} to finish`,
    async () => {
      const rows = await sql<{ id: string; status: string }[]>`select id, status from runs where id in ${sql(runIds)}`;
      return rows.length === runIds.length && rows.every((r) => FINAL.includes(r.status)) ? new Map(rows.map((r) => [r.id, r.status])) : undefined;
    },
    timeoutMs,
  );
}

/** No run of the stack is left queued or running, no step unfinished in a finished run, and no model version or promotion doubled. */
async function expectNothingLeftOver(): Promise<void> {
  const open = await sql`select id, status from runs where status in ('queued', 'running')`;
  expect(open, 'runs left queued or running').toEqual([]);
  const unfinished = await sql`
    select s.run_id, s.node_id, s.status from run_steps s join runs r on r.id = s.run_id
    where s.status in ('pending', 'running')`;
  expect(unfinished, 'steps left unfinished in finished runs').toEqual([]);
  const doubled = await sql`select run_id, node_id, count(*)::int as n from model_versions group by run_id, node_id having count(*) > 1`;
  expect(doubled, 'model versions registered twice for one step').toEqual([]);
  // A run that deployed registered exactly one model version, from its one train step.
  const perRun = await sql<{ id: string; n: number }[]>`
    select r.id, count(m.id)::int as n from runs r left join model_versions m on m.run_id = r.id
    where r.status = 'succeeded' group by r.id`;
  for (const r of perRun) expect(r.n, `model versions of run ${r.id}`).toBe(1);
  // No deploy step promoted twice, every deploy step that succeeded promoted once (unless it skipped the
  // promotion: a run older than the served model's), and each endpoint serves what its newest promotion says.
  const doubledPromotions = await sql`
    select run_id, node_id, count(*)::int as n from endpoint_events
    where kind = 'promotion' and run_id is not null group by run_id, node_id having count(*) > 1`;
  expect(doubledPromotions, 'promotions recorded twice for one step').toEqual([]);
  const deploys = await sql<{ run_id: string; node_id: string; n: number }[]>`
    select s.run_id, s.node_id, count(e.id)::int as n
    from run_steps s join runs r on r.id = s.run_id
    left join endpoint_events e on e.kind = 'promotion' and e.run_id = s.run_id and e.node_id = s.node_id
    where r.status = 'succeeded' and s.type = 'deploy.endpoint' and s.status = 'succeeded' and not coalesce(s.summary ? 'skipped', false)
    group by s.run_id, s.node_id`;
  expect(deploys.length, 'succeeded runs that deployed').toBeGreaterThan(0);
  for (const d of deploys) expect(d.n, `promotions of step ${d.node_id} of run ${d.run_id}`).toBe(1);
  const endpointsOff = await sql`
    select e.name, e.model_version_id,
      (select v.to_model_version_id from endpoint_events v where v.endpoint_id = e.id and v.slot = 'production' order by v.id desc limit 1) as newest
    from endpoints e
    where e.model_version_id is distinct from
      (select v.to_model_version_id from endpoint_events v where v.endpoint_id = e.id and v.slot = 'production' order by v.id desc limit 1)`;
  expect(endpointsOff, 'endpoints not serving their newest promotion').toEqual([]);
  const stuck = await sql`select run_id from run_starts where dispatched_at is null`;
  expect(stuck, 'start requests never dispatched').toEqual([]);
}

async function waitHealthy(): Promise<void> {
  await waitFor('the web app to report healthy', async () => ((await call('GET', '/api/health', { timeoutMs: 10_000 })).status === 200 ? true : undefined), 180_000);
}

/** Runs of these ids not yet in a final state. */
async function unfinished(runIds: string[]): Promise<number> {
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from runs where id in ${sql(runIds)} and status in ('queued', 'running')`;
  return n;
}

/** A process and everything below it (Postgres puts each backend in a process group of its own). */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

function signalTree(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone meanwhile
    }
  }
}

function groupOf(child: StackChild): number {
  const pid = stack.pids()[child];
  if (!pid) throw new Error(`${child} is not running: ${JSON.stringify(stack.pids())}`);
  return pid;
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync('/tmp/millrace-fault-');
  await pointAtOwnStack(dataDir, {
    MILLRACE_TASK_QUEUE: 'millrace-fault',
    // The worker reconciles runs every 3 s here (15 s by default), so a run whose bookkeeping was lost finishes soon.
    MILLRACE_RECONCILE_SECONDS: '3',
  });
  const cfg = loadConfig(process.env);
  fs.mkdirSync(path.join(REPO_ROOT, 'test-results'), { recursive: true });
  const logFile = path.join(REPO_ROOT, 'test-results', 'fault-stack.log');
  logFd = fs.openSync(logFile, 'w');
  const log = (line: string) => {
    fs.writeSync(logFd, `${new Date().toISOString()} ${line}\n`);
    if (line.startsWith('[millrace]') && /restart|running again|exited/.test(line)) console.log(line);
  };
  stack = await startStack(cfg, { web: 'start', worker: true, log, temporalCli: process.env.TEMPORAL_CLI });
  // This stack has its own admin, made from its own set-up link.
  adminToken = (await bootstrapAccounts(stack)).tokens.admin;
  sql = postgres(stack.databaseUrl, { max: 2, connect_timeout: 3, onnotice: () => {} });
  const doc = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'server', 'examples', 'penguin-species.json'), 'utf8'));
  doc.name = PIPELINE;
  // Its own endpoint: "penguins" belongs to penguin-species (QUICK_PIPELINE), which runs here too.
  doc.nodes.find((n: { id: string }) => n.id === 'ship').params.endpoint = PIPELINE;
  // Fits of a few seconds each (two at once), so the runs are still in flight when a process is killed.
  doc.nodes.find((n: { id: string }) => n.id === 'train').params.trees = 2000;
  const saved = await call('PUT', `/api/v1/pipelines/${PIPELINE}`, { body: doc });
  expect(saved.status, JSON.stringify(saved.data)).toBe(200);
}, 600_000);

afterAll(async () => {
  await sql?.end({ timeout: 1 }).catch(() => {});
  await stack?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  if (logFd) fs.closeSync(logFd);
});

describe('a stack that heals itself', () => {
  it('finishes every run in flight when the worker, Temporal, Postgres and the web server are SIGKILLed in turn', async () => {
    const victims: StackChild[] = ['worker', 'temporal', 'postgres', 'web'];
    for (const victim of victims) {
      await waitHealthy();
      const runIds = await startRuns(3, `kill-${victim}`);
      // A random point of the runs while they are in flight: from their first step to well into their fits.
      const delay = Math.floor(Math.random() * 1000);
      await sleep(delay);
      const inFlight = await unfinished(runIds);
      expect(inFlight, 'runs still in flight when the process is killed').toBeGreaterThan(0);
      const before = stack.restarts().length;
      const killedAt = Date.now();
      signalTree(processTree(groupOf(victim)), 'SIGKILL');
      const back = await waitFor(
        `the ${victim} to be restarted`,
        async () => stack.restarts().slice(before).find((e) => e.restartedAt),
        180_000,
      );
      await waitHealthy();
      const healthyAt = Date.now();
      const outcome = await waitForFinal(runIds);
      console.log(
        `[fault] SIGKILL ${victim} ${delay} ms after starting 3 runs (${inFlight} in flight): running again after ${((back.restartedAt! - killedAt) / 1000).toFixed(1)} s, ` +
          `healthy after ${((healthyAt - killedAt) / 1000).toFixed(1)} s, every run final after ${((Date.now() - killedAt) / 1000).toFixed(1)} s ` +
          `(${[...outcome.values()].join(', ')})`,
      );
      await expectNothingLeftOver();
    }
  });

  it('leaves no run queued when the web server is SIGKILLed while POST /runs requests are in flight', async () => {
    await waitHealthy();
    // Requests keep coming, one every 25 ms, until the web server is killed at a random point after the first
    // run was recorded: the last ones are cut off mid-way.
    const keys: string[] = [];
    const requests: Promise<Answer>[] = [];
    let firing = true;
    const fire = (async () => {
      while (firing && keys.length < 40) {
        const key = `web-kill-${keys.length}`;
        keys.push(key);
        requests.push(call('POST', `/api/v1/pipelines/${QUICK_PIPELINE}/runs`, { body: RUN_FOR_REAL, headers: { 'idempotency-key': key }, timeoutMs: 60_000 }));
        await sleep(25);
      }
    })();
    await waitFor('a first run to be recorded', async () => ((await sql`select 1 from run_idempotency_keys where key like 'web-kill-%'`).length ? true : undefined), 60_000);
    await sleep(Math.floor(Math.random() * 200));
    const before = stack.restarts().length;
    const killedAt = Date.now();
    process.kill(-groupOf('web'), 'SIGKILL');
    firing = false;
    await fire;
    const answers = await Promise.all(requests);
    await waitFor('the web app to be restarted', async () => stack.restarts().slice(before).find((e) => e.restartedAt), 120_000);
    await waitHealthy();
    // Whatever was recorded before the kill is started and finishes on its own.
    const recorded = await sql<{ id: string }[]>`
      select k.run_id as id from run_idempotency_keys k where k.key in ${sql(keys)}`;
    const outcome = recorded.length ? await waitForFinal(recorded.map((r) => r.id)) : new Map();
    console.log(
      `[fault] SIGKILL web during ${keys.length} POST /runs: ${answers.filter((a) => a.status === 202).length} answered 202, ` +
        `${answers.filter((a) => a.status === 0).length} got no answer; ${recorded.length} runs recorded, all final after ` +
        `${((Date.now() - killedAt) / 1000).toFixed(1)} s (${[...outcome.values()].join(', ')})`,
    );
    expect(answers.some((a) => a.status === 0), 'requests cut off by the kill').toBe(true);
    for (const a of answers.filter((x) => x.status === 202)) expect(recorded.map((r) => r.id)).toContain(a.data.runId);
    // Retrying every request with its key gives one run per key: the recorded one, or a new one.
    const retried = await Promise.all(keys.map((key) => call('POST', `/api/v1/pipelines/${QUICK_PIPELINE}/runs`, { body: RUN_FOR_REAL, headers: { 'idempotency-key': key } })));
    for (const [i, a] of retried.entries()) {
      const [owner] = await sql`select run_id from run_idempotency_keys where key = ${keys[i]!}`;
      // 200: the run the interrupted request recorded; 202: it recorded nothing, so this one did.
      expect([200, 202]).toContain(a.status);
      expect(a.data.runId).toBe(owner?.run_id);
      if (recorded.some((r) => r.id === owner?.run_id)) expect(a.status).toBe(200);
    }
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from run_idempotency_keys where key in ${sql(keys)}`;
    expect(n).toBe(keys.length);
    await waitForFinal(retried.map((a) => a.data.runId));
    await expectNothingLeftOver();
  });

  it('answers 503 with Retry-After, never hangs, and records no run for a 503 while Postgres and then Temporal are frozen for 20 s', async () => {
    await waitHealthy();
    // A model in memory: predict keeps answering while Postgres is frozen.
    const row = { Island: 'Biscoe', 'Beak Length (mm)': 48.6, 'Beak Depth (mm)': 16, 'Flipper Length (mm)': 230, 'Body Mass (g)': 5800, Sex: 'MALE' };
    expect((await call('POST', '/api/v1/endpoints/penguins/predict', { body: { rows: [row] } })).status).toBe(200);

    for (const frozen of ['postgres', 'temporal'] as const) {
      // The whole process tree: Postgres' backends serve existing connections on their own.
      const tree = processTree(groupOf(frozen));
      const answers: { what: string; key?: string; answer: Answer }[] = [];
      signalTree(tree, 'SIGSTOP');
      const frozenAt = Date.now();
      try {
        let i = 0;
        while (Date.now() - frozenAt < 20_000) {
          const key = `freeze-${frozen}-${i++}`;
          // A request still unanswered after 15 s (the freeze lasts 20) counts as hung.
          const [start, health, predicted] = await Promise.all([
            call('POST', `/api/v1/pipelines/${PIPELINE}/runs`, { body: RUN_FOR_REAL, headers: { 'idempotency-key': key }, timeoutMs: 15_000 }),
            call('GET', '/api/health', { timeoutMs: 15_000 }),
            call('POST', '/api/v1/endpoints/penguins/predict', { body: { rows: [row] }, timeoutMs: 15_000 }),
          ]);
          answers.push({ what: 'start', key, answer: start }, { what: 'health', answer: health }, { what: 'predict', answer: predicted });
          await sleep(1000);
        }
      } finally {
        signalTree(tree, 'SIGCONT');
      }
      const slowest = Math.max(...answers.map((a) => a.answer.ms));
      console.log(
        `[fault] ${frozen} frozen 20 s: ${answers.length} answers, slowest ${slowest} ms; statuses ` +
          JSON.stringify(answers.map((a) => `${a.what}:${a.answer.status}`)),
      );
      for (const { what, answer } of answers) {
        expect(answer.status, `${what} hung or failed: ${JSON.stringify(answer.data)}`).not.toBe(0);
        if (answer.status === 503) {
          expect(answer.headers.get('retry-after'), what).toMatch(/^\d+$/);
          if (what === 'start') expect(answer.data.dependency).toBe(frozen);
          if (what === 'health') expect(answer.data.unavailable).toContain(frozen);
        }
      }
      expect(answers.some((a) => a.what === 'start' && a.answer.status === 503)).toBe(true);
      expect(answers.some((a) => a.what === 'health' && a.answer.status === 503)).toBe(true);
      if (frozen === 'postgres') {
        for (const a of answers.filter((x) => x.what === 'predict')) expect(a.answer.status, JSON.stringify(a.answer.data)).toBe(200);
      }

      // Once it is back, what was accepted runs; what got a 503 left nothing behind (also not later).
      await waitHealthy();
      await sleep(5000);
      const starts = answers.filter((a) => a.what === 'start');
      const refusedKeys = starts.filter((a) => a.answer.status === 503).map((a) => a.key!);
      const leaked = await sql`select key, run_id from run_idempotency_keys where key in ${sql(refusedKeys)}`;
      expect(leaked, 'runs recorded for requests answered 503').toEqual([]);
      const accepted = starts.filter((a) => a.answer.status === 202).map((a) => a.answer.data.runId as string);
      if (accepted.length) await waitForFinal(accepted);
      await expectNothingLeftOver();
    }
  });
});
