// The test stack itself: every service answers, and the launcher restarts a killed worker.
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import postgres from 'postgres';
import { describe, expect, inject, it } from 'vitest';
import { until } from '../support/wait';

function readWorkerPid(): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(inject('dataDir'), 'run', 'worker.pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}


/** Pollers on the workflow task queue (or the fit queue's activity tasks), as "pid@host" identities. */
async function pollerIdentities(connection: Connection, queue: 'default' | 'fit' = 'default'): Promise<string[]> {
  const res = await connection.workflowService.describeTaskQueue({
    namespace: 'default',
    taskQueue: { name: queue === 'fit' ? `${inject('taskQueue')}-fit` : inject('taskQueue') },
    taskQueueType: queue === 'fit' ? 2 /* TASK_QUEUE_TYPE_ACTIVITY */ : 1 /* TASK_QUEUE_TYPE_WORKFLOW */,
  });
  return (res.pollers ?? []).map((p) => p.identity ?? '');
}

describe('test stack', () => {
  it('Postgres answers and is migrated', async () => {
    const sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
    try {
      const [{ one }] = await sql`select 1 as one`;
      expect(one).toBe(1);
      const [{ n }] = await sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
      expect(n).toBeGreaterThan(0);
    } finally {
      await sql.end();
    }
  });

  it('Temporal answers', async () => {
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const ns = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(ns.namespaceInfo?.name).toBe('default');
    } finally {
      await connection.close();
    }
  });

  it('the web app answers and reports healthy services', async () => {
    const res = await fetch(`${inject('baseUrl')}/api/health`);
    expect(res.status).toBe(200);
  });

  it('runs the Python fit worker, polling the fit queue', async () => {
    const pid = Number(fs.readFileSync(path.join(inject('dataDir'), 'run', 'fit-worker.pid'), 'utf8').trim());
    expect(alive(pid)).toBe(true);
    expect(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toContain('workflows/ml/worker.py');
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      await until('the fit worker to poll', async () =>
        (await pollerIdentities(connection, 'fit')).some((id) => id.startsWith(`${pid}@`)) || undefined,
      );
    } finally {
      await connection.close();
    }
  });

  it('restarts the worker after it is SIGKILLed', async () => {
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const first = await until('the worker pid file', readWorkerPid);
      expect(alive(first)).toBe(true);
      // Let it finish starting (it polls the task queue) so this is a crash of a working worker.
      await until('the worker to poll', async () =>
        (await pollerIdentities(connection)).some((id) => id.startsWith(`${first}@`)) || undefined,
      );

      process.kill(first, 'SIGKILL');
      const second = await until('a new worker pid', () => {
        const pid = readWorkerPid();
        return pid && pid !== first ? pid : undefined;
      }, { timeoutMs: 30_000 });
      expect(alive(first)).toBe(false);
      expect(alive(second)).toBe(true);
      // The new worker is really serving: it polls the task queue.
      await until('the restarted worker to poll', async () =>
        (await pollerIdentities(connection)).some((id) => id.startsWith(`${second}@`)) || undefined,
      { timeoutMs: 90_000 });
    } finally {
      await connection.close();
    }
  });
});
