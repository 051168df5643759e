// Records the Temporal histories that test/integration/replay.test.ts replays against today's
// interpreter: one per path a run can take (success, gate skip, failed step, cancel mid-fit, worker crash
// mid-fit). Run by hand, with the interpreter whose histories you want to keep, before changing it:
//   node --import tsx test/support/record-histories.ts [--suffix=.v2] [scenario ...]
// It starts a test stack as the test suite does and writes test/integration/histories/<scenario><suffix>.json.
import fs from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { workflowIdOf } from '../../server/infra/run-start';
import setup from './global-setup';
import { HISTORIES_DIR, historyToText } from './histories';

const ctx: Record<string, any> = {};
const project = { provide: (key: string, value: unknown) => (ctx[key] = value) } as any;

async function http(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${ctx.baseUrl}${url}`, init);
  const text = await res.text();
  let data: any = text;
  try {
    data = JSON.parse(text);
  } catch {
    // keep the text
  }
  if (res.status >= 400) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return data;
}

async function waitForRun(runId: string, onPoll?: (run: any) => Promise<void>) {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const run = await http('GET', `/api/v1/runs/${runId}`);
    await onPoll?.(run);
    if (['succeeded', 'failed', 'cancelled'].includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not finish: ${JSON.stringify(run)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const stepOf = (run: any, nodeId: string) => run.steps.find((s: any) => s.nodeId === nodeId);

async function penguins(name: string, change: (doc: any) => void) {
  const doc = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8'));
  doc.name = name;
  doc.nodes.find((n: any) => n.id === 'ship').params.endpoint = name;
  change(doc);
  await http('PUT', `/api/v1/pipelines/${name}`, doc);
  return (await http('POST', `/api/v1/pipelines/${name}/runs`)).runId as string;
}

/** Whether the Python fit worker has taken the run's fit (started, not only scheduled). */
async function fitStarted(client: Client, runId: string) {
  const pending = (await client.workflow.getHandle(workflowIdOf(runId)).describe()).raw.pendingActivities ?? [];
  return pending.find((a) => a.activityType?.name === 'fitModel')?.state === 2; // PENDING_ACTIVITY_STATE_STARTED
}

async function pidOf(name: string) {
  return Number((await fs.readFile(path.join(ctx.dataDir, 'run', `${name}.pid`), 'utf8')).trim());
}

const scenarios: Record<string, (client: Client) => Promise<{ runId: string; expect: string }>> = {
  async success() {
    const runId = (await http('POST', '/api/v1/pipelines/penguin-species/runs')).runId;
    await waitForRun(runId);
    return { runId, expect: 'succeeded' };
  },
  async 'gate-skip'() {
    const runId = await penguins('history-gate', (doc) => {
      doc.nodes.find((n: any) => n.id === 'gate').params.rules = [{ metric: 'accuracy', op: '>=', value: 2 }];
    });
    const run = await waitForRun(runId);
    if (stepOf(run, 'ship').status !== 'skipped') throw new Error(`gate-skip: ship is ${stepOf(run, 'ship').status}`);
    return { runId, expect: run.status };
  },
  async 'failed-step'() {
    // One class only: the fitter refuses it (a StepInputError, not retried).
    const lines = ['a,b,label', ...Array.from({ length: 40 }, (_, i) => `${i},${i % 7},same`)];
    await http('POST', '/api/v1/datasets?name=history-one-class', lines.join('\n') + '\n', { 'content-type': 'text/csv' });
    await http('PUT', '/api/v1/pipelines/history-failed', {
      apiVersion: 'millrace/v1',
      name: 'history-failed',
      nodes: [
        { id: 'load', type: 'ingest.dataset', params: { dataset: 'history-one-class' } },
        { id: 'train', type: 'train.logistic_regression', params: { target: 'label' } },
        { id: 'ship', type: 'deploy.endpoint', params: { endpoint: 'history-failed' } },
      ],
      edges: [
        { from: 'load.table', to: 'train.table' },
        { from: 'train.model', to: 'ship.model' },
      ],
    });
    const runId = (await http('POST', '/api/v1/pipelines/history-failed/runs')).runId;
    const run = await waitForRun(runId);
    if (stepOf(run, 'train').status !== 'failed') throw new Error(`failed-step: train is ${stepOf(run, 'train').status}`);
    return { runId, expect: 'failed' };
  },
  async cancel(client) {
    const runId = await penguins('history-cancel', (doc) => {
      doc.nodes.find((n: any) => n.id === 'train').params.trees = 2000;
    });
    let cancelled = false;
    await waitForRun(runId, async (run) => {
      if (cancelled || stepOf(run, 'train').status !== 'running' || !(await fitStarted(client, runId))) return;
      await http('POST', `/api/v1/runs/${runId}/cancel`);
      cancelled = true;
    });
    return { runId, expect: 'cancelled' };
  },
  async 'worker-crash'(client) {
    const runId = await penguins('history-crash', (doc) => {
      doc.nodes.find((n: any) => n.id === 'train').params.trees = 1500;
    });
    let killed = false;
    await waitForRun(runId, async (run) => {
      if (killed || stepOf(run, 'train').status !== 'running' || !(await fitStarted(client, runId))) return;
      process.kill(await pidOf('worker'), 'SIGKILL');
      process.kill(await pidOf('fit-worker'), 'SIGKILL');
      killed = true;
    });
    return { runId, expect: 'succeeded' };
  },
};

async function main() {
  const args = process.argv.slice(2);
  const suffix = args.find((a) => a.startsWith('--suffix='))?.slice('--suffix='.length) ?? '';
  if (!/^[\w.-]*$/.test(suffix)) throw new Error(`--suffix may hold letters, digits, ".", "_" and "-" only`);
  const chosen = args.filter((a) => !a.startsWith('--'));
  for (const name of chosen) if (!scenarios[name]) throw new Error(`unknown scenario "${name}" (${Object.keys(scenarios).join(', ')})`);
  const teardown = await setup(project);
  const connection = await Connection.connect({ address: ctx.temporalAddress });
  try {
    const client = new Client({ connection });
    await fs.mkdir(HISTORIES_DIR, { recursive: true });
    for (const name of chosen.length > 0 ? chosen : Object.keys(scenarios)) {
      const { runId, expect } = await scenarios[name]!(client);
      const run = await http('GET', `/api/v1/runs/${runId}`);
      if (run.status !== expect) throw new Error(`${name}: the run ended ${run.status}, not ${expect}: ${JSON.stringify(run)}`);
      const history = await client.workflow.getHandle(workflowIdOf(runId)).fetchHistory();
      await fs.writeFile(path.join(HISTORIES_DIR, `${name}${suffix}.json`), historyToText(history));
      console.log(`${name}: run ${runId} ${run.status}, ${history.events?.length} events`);
    }
  } finally {
    await connection.close();
    await teardown?.();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
