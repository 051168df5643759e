// Starts one real Millrace stack (embedded Postgres, Temporal dev server, worker, built web app) on
// free ports with a fresh data folder, for every test file; stops it and deletes the folder at the end.
// Children's output goes to test-results/stack.log (MILLRACE_TEST_VERBOSE=1 also prints it).
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { bootstrapAccounts } from '../../server/auth/bootstrap';
import { loadConfig } from '../../server/infra/config';
import { isUserError } from '../../server/launcher/errors';
import { pointAtOwnStack } from './own-stack-env';
import { REPO_ROOT, startStack, type StackHandle } from '../../server/launcher/stack';
import { ensurePython } from '../../server/launcher/tools';
import { ensureTemporalCli } from '../../server/setup/temporal-cli';

/** The stack's upload limit (MILLRACE_MAX_UPLOAD_BYTES), provided to tests as `maxUploadBytes`. */
const TEST_MAX_UPLOAD_BYTES = 64 * 1024 ** 2;
/**
 * The stack's MILLRACE_RATE_* per minute, provided as `rateLimits`: more than other tests send from 127.0.0.1 or with
 * one token, few enough for test/integration/rate-limits.test.ts to exhaust from addresses of its own.
 */
const TEST_RATE_LIMITS = { signIn: 5, setup: 30, tokenFailures: 50, tokenCreate: 30, predict: 600 };


export default async function setup(project: TestProject) {
  if (process.env.MILLRACE_TEST_UNIT_ONLY === '1') return;
  const started = Date.now();
  const verbose = process.env.MILLRACE_TEST_VERBOSE === '1';
  const logDir = path.join(REPO_ROOT, 'test-results');
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, 'stack.log');
  const logStream = fs.openSync(logFile, 'w');
  const recent: string[] = [];
  const log = (line: string) => {
    fs.writeSync(logStream, `${line}\n`);
    recent.push(line);
    if (recent.length > 80) recent.shift();
    if (verbose || line.startsWith('[millrace]')) console.log(line);
  };

  // Tools: the same ones `npm install` set up for this checkout.
  const repoDefaults = loadConfig({ ...process.env, MILLRACE_DATA_DIR: path.join(REPO_ROOT, '.millrace') });
  const temporalCli = process.env.TEMPORAL_CLI ?? (await ensureTemporalCli(repoDefaults, log));
  const pythonVenv = process.env.MILLRACE_PYTHON_VENV ?? path.join(REPO_ROOT, '.millrace', 'python');
  await ensurePython({ pythonVenv, basePython: repoDefaults.basePython }, log);

  // A fresh data folder (mkdtemp makes it 0700); the launcher lets the postgres user through, as for any data folder.
  const dataDir = fs.mkdtempSync('/tmp/millrace-test-');
  // The defaults: only this machine, only its own names.
  delete process.env.MILLRACE_HOST;
  delete process.env.MILLRACE_ALLOWED_HOSTS;
  await pointAtOwnStack(dataDir, {
    TEMPORAL_CLI: temporalCli,
    MILLRACE_PYTHON_VENV: pythonVenv,
    MILLRACE_TASK_QUEUE: process.env.MILLRACE_TASK_QUEUE ?? 'millrace-test',
    // Small enough that test/integration/uploads.test.ts can stream past it; larger than any other test's upload.
    MILLRACE_MAX_UPLOAD_BYTES: String(TEST_MAX_UPLOAD_BYTES),
    // ingest.url may fetch from the tests' own local servers (127.0.0.1 only; the rest of loopback stays refused).
    MILLRACE_INGEST_ALLOW_NETWORKS: '127.0.0.1',
    MILLRACE_RATE_SIGNIN: String(TEST_RATE_LIMITS.signIn),
    MILLRACE_RATE_SETUP: String(TEST_RATE_LIMITS.setup),
    MILLRACE_RATE_TOKEN_FAILURES: String(TEST_RATE_LIMITS.tokenFailures),
    MILLRACE_RATE_TOKEN_CREATE: String(TEST_RATE_LIMITS.tokenCreate),
    MILLRACE_RATE_PREDICT: String(TEST_RATE_LIMITS.predict),
  });
  const cfg = loadConfig(process.env);

  let stack: StackHandle;
  try {
    stack = await startStack(cfg, {
      web: 'start',
      worker: true,
      log,
      temporalCli,
    });
  } catch (err) {
    console.error(`\n[test stack] failed to start: ${isUserError(err) ? (err as Error).message : (err as Error).stack}`);
    console.error(`Last lines of ${logFile}:\n${recent.slice(-60).join('\n')}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.closeSync(logStream);
    if (isUserError(err)) {
      // An expected problem: its message says it all, the stack would only hide it.
      const clean = new Error(`The test stack did not start: ${(err as Error).message}`);
      clean.stack = clean.message;
      throw clean;
    }
    throw err;
  }
  console.log(`[millrace] Test stack ready in ${Math.round((Date.now() - started) / 1000)} s: ${stack.webUrl} (log: ${logFile})`);

  project.provide('baseUrl', stack.webUrl!);
  project.provide('databaseUrl', stack.databaseUrl);
  project.provide('temporalAddress', stack.temporalAddress);
  project.provide('dataDir', dataDir);
  project.provide('taskQueue', stack.taskQueue);
  project.provide('maxUploadBytes', TEST_MAX_UPLOAD_BYTES);
  project.provide('rateLimits', TEST_RATE_LIMITS);

  // Accounts as a person makes them: the admin through the set-up link, then one API token per role.
  // Started CLI processes inherit MILLRACE_TOKEN, so they act as the admin.
  try {
    const accounts = await bootstrapAccounts(stack);
    project.provide('tokens', accounts.tokens);
    project.provide('adminCookie', accounts.adminCookie);
    process.env.MILLRACE_TOKEN = accounts.tokens.admin;
  } catch (err) {
    await stack.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.closeSync(logStream);
    throw err;
  }

  return async () => {
    try {
      await stack.stop();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.closeSync(logStream);
    }
  };
}
