import fs from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { expect, inject, it } from 'vitest';
import { http, step, waitForRun } from '../support/http';
import { pendingFit, processAlive } from '../support/processes';

async function pidOf(name: 'worker' | 'fit-worker'): Promise<number> {
  return Number((await fs.readFile(path.join(inject('dataDir'), 'run', `${name}.pid`), 'utf8')).trim());
}

it('finishes a run after the Node worker and the Python fit worker are SIGKILLed mid-fit, without repeating finished steps or leaving the fit running', async () => {
  const doc = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8'));
  doc.name = 'crash-proof';
  // Enough trees that the fit is still running when the workers die.
  doc.nodes.find((n: any) => n.id === 'train').params.trees = 1500;
  doc.nodes.find((n: any) => n.id === 'ship').params.endpoint = 'crash-proof';
  expect((await http('PUT', '/api/v1/pipelines/crash-proof', doc)).status).toBe(200);
  // Every step runs (none reused from another test's run): the test counts executions.
  const { data } = await http('POST', '/api/v1/pipelines/crash-proof/runs', { ignoreCache: true });

  const connection = await Connection.connect({ address: inject('temporalAddress') });
  const client = new Client({ connection });
  const killed = { worker: await pidOf('worker'), fitWorker: await pidOf('fit-worker') };
  let killedDuring: string | undefined;
  let fitPid: number | undefined;
  try {
    const run = await waitForRun(data.runId, {
      timeoutMs: 240_000,
      onPoll: async (r) => {
        if (killedDuring || step(r, 'train').status !== 'running') return;
        // Kill once the Python worker has taken the fit (the activity is started, not just scheduled) and
        // reported the process that fits it.
        const fit = await pendingFit(client, data.runId);
        if (!fit?.started || !fit.pid) return;
        fitPid = fit.pid;
        expect(processAlive(fitPid)).toBe(true);
        process.kill(killed.worker, 'SIGKILL');
        process.kill(killed.fitWorker, 'SIGKILL');
        // The fit dies with its worker (it would otherwise keep fitting beside the retry).
        for (let i = 0; i < 50 && processAlive(fitPid); i++) await new Promise((r) => setTimeout(r, 100));
        expect(processAlive(fitPid)).toBe(false);
        killedDuring = 'train';
      },
    });
    expect(killedDuring).toBe('train');
    expect(await pidOf('worker')).not.toBe(killed.worker);
    expect(await pidOf('fit-worker')).not.toBe(killed.fitWorker);
    expect(run.status).toBe('succeeded');
    for (const s of run.steps) expect(s.status, s.nodeId).toBe('succeeded');
    // The interrupted fit ran again; the steps finished before the crash did not.
    expect(step(run, 'train').attempts).toBeGreaterThanOrEqual(2);
    expect(processAlive(fitPid!)).toBe(false);
    // No scratch folder is left behind.
    await expect(fs.stat(path.join(inject('dataDir'), 'tmp', 'fit', data.runId))).rejects.toThrow();
  } finally {
    await connection.close();
  }

  const sql = postgres(inject('databaseUrl'), { max: 1 });
  try {
    const rows = await sql<{ node_id: string; executions: number }[]>`
      select node_id, executions from run_steps where run_id = ${data.runId}`;
    const executions = Object.fromEntries(rows.map((r) => [r.node_id, r.executions]));
    expect(executions.load).toBe(1);
    expect(executions.split).toBe(1);
    expect(executions.train).toBeGreaterThanOrEqual(2);
    expect(executions.eval).toBe(1);
    expect(executions.gate).toBe(1);
    expect(executions.ship).toBe(1);
    // Only the model of the finished fit was registered.
    const [{ n }] = await sql<{ n: number }[]>`
      select count(*)::int as n from model_versions where run_id = ${data.runId}`;
    expect(n).toBe(1);
  } finally {
    await sql.end();
  }
  // Nothing of the run is left in the scratch space: not the killed fit's folder, not the steps' own.
  for (const kind of ['fit', 'steps']) {
    const left = await fs.readdir(path.join(inject('dataDir'), 'tmp', kind, data.runId)).catch(() => null);
    expect(left, `tmp/${kind}/${data.runId}`).toBeNull();
  }
});
