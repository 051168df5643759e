import fs from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import { expect, inject, it } from 'vitest';
import { http, step, waitForRun } from '../support/http';

async function workerPid(): Promise<number> {
  return Number((await fs.readFile(path.join(inject('dataDir'), 'run', 'worker.pid'), 'utf8')).trim());
}

it('finishes a run after the worker is SIGKILLed mid-step, without repeating finished steps', async () => {
  const doc = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8'));
  doc.name = 'crash-proof';
  // Enough trees that the fit is still running when the worker dies.
  doc.nodes.find((n: any) => n.id === 'train').params.trees = 1500;
  doc.nodes.find((n: any) => n.id === 'ship').params.endpoint = 'crash-proof';
  expect((await http('PUT', '/api/v1/pipelines/crash-proof', doc)).status).toBe(200);
  const { data } = await http('POST', '/api/v1/pipelines/crash-proof/runs');

  const killed = await workerPid();
  let killedDuring: string | undefined;
  const run = await waitForRun(data.runId, {
    timeoutMs: 240_000,
    onPoll: (r) => {
      if (killedDuring) return;
      const train = step(r, 'train');
      if (train.status === 'running') {
        process.kill(killed, 'SIGKILL');
        killedDuring = 'train';
      }
    },
  });
  expect(killedDuring).toBe('train');
  expect(await workerPid()).not.toBe(killed);
  expect(run.status).toBe('succeeded');
  for (const s of run.steps) expect(s.status, s.nodeId).toBe('succeeded');
  // The interrupted step ran again; the ones finished before the crash did not.
  expect(step(run, 'train').attempts).toBeGreaterThanOrEqual(2);

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
  } finally {
    await sql.end();
  }
});
