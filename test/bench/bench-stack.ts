// What each group's measuring process (train-stack.ts, runs-stack.ts, run-start-stack.ts) does around its
// measuring: a stack of its own (embedded Postgres, Temporal dev server, the workers, optionally the built
// web app) on free ports in a temporary data folder, one "RESULT {json}" line on stdout when it worked,
// the stack's last lines on stderr when it did not, and everything stopped and removed afterwards.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootstrapAccounts } from '../../server/auth/bootstrap';
import { loadConfig } from '../../server/infra/config';
import { sendTokenToStack } from '../support/admin-fetch';
import { pointAtOwnStack } from '../support/own-stack-env';
import { startStack, type StackHandle } from '../../server/launcher/stack';
import { ensureTemporalCli } from '../../server/setup/temporal-cli';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const say = (line: string) => process.stderr.write(`${line}\n`);

export async function measureOnOwnStack<T>(
  name: string,
  opts: { web: 'start' | false },
  measure: (stack: StackHandle, dataDir: string) => Promise<T>,
): Promise<void> {
  const dataDir = fs.mkdtempSync(`/tmp/millrace-bench-${name}-`);
  const repoDefaults = loadConfig({ ...process.env, MILLRACE_DATA_DIR: path.join(repoRoot, '.millrace') });
  const temporalCli = process.env.TEMPORAL_CLI ?? (await ensureTemporalCli(repoDefaults));
  await pointAtOwnStack(dataDir, {
    TEMPORAL_CLI: temporalCli,
    MILLRACE_PYTHON_VENV: path.resolve(process.env.MILLRACE_PYTHON_VENV ?? path.join(repoRoot, '.millrace', 'python')),
    MILLRACE_TASK_QUEUE: `millrace-bench-${name}`,
    // Benchmarks measure the work, not the limiter's refusals.
    MILLRACE_RATE_PREDICT: '0',
  });
  const log: string[] = [];
  let stack: StackHandle | undefined;
  try {
    stack = await startStack(loadConfig(process.env), { web: opts.web, worker: true, log: (l) => log.push(l), temporalCli });
    // The services this process calls reach the same stack.
    Object.assign(process.env, { DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: stack.temporalAddress });
    if (stack.webUrl) {
      // Measured as the admin: fetches to the web app carry its token, and so do browser pages (benchAuthHeaders).
      const accounts = await bootstrapAccounts(stack);
      process.env.MILLRACE_TOKEN = accounts.tokens.admin;
      sendTokenToStack(stack.webUrl, accounts.tokens.admin);
    }
    const out = await measure(stack, dataDir);
    process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
  } catch (err) {
    say(`${name} bench failed: ${(err as Error).stack ?? err}\nlast stack lines:\n${log.slice(-40).join('\n')}`);
    process.exitCode = 1;
  } finally {
    const { closeDb } = await import('../../db/client');
    await closeDb().catch(() => {});
    await stack?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  // A Temporal client's connection keeps the event loop alive.
  process.exit();
}

/** Headers that make a browser page of a bench stack act as the admin (after measureOnOwnStack signed it up). */
export function benchAuthHeaders(): Record<string, string> {
  const token = process.env.MILLRACE_TOKEN;
  return token ? { authorization: `Bearer ${token}` } : {};
}
