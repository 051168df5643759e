import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MillraceConfig } from '../infra/config';
import { pythonExecutable } from '../infra/python-paths';
import { secureDataDir, secureTemporalDb } from './data-dir';
import { AbortedError, UserError, throwIfAborted, type Log } from './errors';
import { issueSetupTokenAt } from '../auth/setup-token';
import { ensureKeys } from './keys';
import { secretKeyFrom } from '../infra/secret-box';
import { sealLegacyWebhookUrlsAt } from '../infra/webhook-secrets';
import { assertPortsFree, waitForTcp, type PortUse } from './ports';
import { clearStalePostmaster, startPostgres, type PostgresHandle } from './postgres';
import {
  describeExit,
  isPidAlive,
  processCmdline,
  readPidFile,
  removePidFile,
  signalGroup,
  spawnManaged,
  waitForPidExit,
  writePidFile,
  type ManagedChild,
} from './process';
import { createSupervisor, type RestartEvent } from './supervisor';
import { startTemporal, type TemporalHandle } from './temporal';

/** The repository root (holds package.json, app/, workflows/). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface StackOptions {
  /** 'start' = production build (built when stale) served by server/launcher/web-server.ts (Next.js plus the predict fast path); 'dev' = the same server in Next's dev mode; false = no web app. */
  web: 'start' | 'dev' | false;
  /** Run (and supervise) the Temporal worker processes: the Node worker and the Python fit worker. */
  worker: boolean;
  /** Receives every line: launcher messages (`[millrace] …`) and children's output (`[web] …`, `[worker] …`). */
  log: Log;
  /** The Temporal CLI binary (needed unless TEMPORAL_ADDRESS is set). */
  temporalCli?: string;
  /** Aborting stops whatever has started and makes startStack reject with AbortedError. */
  signal?: AbortSignal;
  /** Seed the example dataset and pipeline (default true). */
  seed?: boolean;
  /** Overrides for testing the launcher itself. */
  root?: string;
  workerCommand?: { command: string; args: string[] };
  fitWorkerCommand?: { command: string; args: string[] };
}

export interface StackHandle {
  databaseUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  dataDir: string;
  webUrl?: string;
  /**
   * Set while no workspace has an admin: the one-time link that creates the first one (24 h; the token is
   * in the fragment, so it reaches neither logs nor Referer headers).
   */
  setupUrl?: string;
  temporalUiUrl?: string;
  /** Pid file of the current worker process (rewritten on every restart). */
  workerPidFile: string;
  /** Pid file of the current Python fit worker process (rewritten on every restart). */
  fitWorkerPidFile: string;
  /** Stops every child (SIGTERM, SIGKILL after a grace period), then Temporal, then Postgres. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILLs every child now (forced exit). */
  kill(): void;
  /** Pids of the children running now (a restarted child has a new one); the embedded Postgres is its postmaster. */
  pids(): Partial<Record<StackChild, number>>;
  /** Every restart of a child that died, oldest first. */
  restarts(): RestartEvent[];
}

export type StackChild = 'postgres' | 'temporal' | 'worker' | 'fit-worker' | 'web';

const WATCHED_FOR_BUILD = [
  'app', 'components', 'server', 'workflows', 'db', 'public', 'lib',
  'next.config.js', 'next.config.mjs', 'next.config.ts', 'package.json', 'package-lock.json',
  'tsconfig.json', 'postcss.config.mjs', 'postcss.config.js',
];
const SKIP_DIRS = new Set(['node_modules', '.next', '.millrace', '.git', '__pycache__', '.venv', 'venv']);

function newestMtime(p: string): number {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return /\.py[co]$/.test(p) ? 0 : st.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(p, { withFileTypes: true })) {
    if (entry.isDirectory() && SKIP_DIRS.has(entry.name)) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry.name)));
  }
  return newest;
}

/** Why `next build` must run, or undefined when `.next` is up to date. */
export function buildReason(root: string): string | undefined {
  const buildId = path.join(root, '.next', 'BUILD_ID');
  let built: number;
  try {
    built = fs.statSync(buildId).mtimeMs;
  } catch {
    return 'no production build yet';
  }
  for (const rel of WATCHED_FOR_BUILD) {
    if (newestMtime(path.join(root, rel)) > built) return `${rel} changed since the last build`;
  }
  return undefined;
}

function nextBin(root: string): string {
  try {
    return createRequire(path.join(root, 'package.json')).resolve('next/dist/bin/next');
  } catch {
    return path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
  }
}

/** Another live launcher owns this data folder? */
function acquireLock(runDir: string): string {
  const lock = path.join(runDir, 'launcher.pid');
  const other = readPidFile(lock);
  if (other && other !== process.pid && isPidAlive(other) && /\bnode\b/.test(processCmdline(other))) {
    throw new UserError(
      `Millrace is already running with the data folder ${path.dirname(runDir)} (pid ${other}).\n` +
        `Stop it first (Ctrl-C in its terminal, or \`kill ${other}\`), or use another MILLRACE_DATA_DIR.`,
    );
  }
  writePidFile(lock, process.pid);
  return lock;
}

/** Processes a crashed launcher left behind (recorded in run/*.pid) are stopped before starting again. */
async function reapLeftovers(runDir: string, markers: Record<string, string[]>, log: Log): Promise<void> {
  for (const [name, anyOf] of Object.entries(markers)) {
    const file = path.join(runDir, `${name}.pid`);
    const pid = readPidFile(file);
    const cmdline = pid && pid !== process.pid && isPidAlive(pid) ? processCmdline(pid) : '';
    if (pid && cmdline && anyOf.some((marker) => cmdline.includes(marker))) {
      log(`[millrace] Stopping a ${name} process left running by an earlier Millrace (pid ${pid})`);
      signalGroup(pid, 'SIGTERM');
      if (!(await waitForPidExit(pid, 10_000))) signalGroup(pid, 'SIGKILL');
      await waitForPidExit(pid, 5_000);
    }
    fs.rmSync(file, { force: true });
  }
}

function portUses(cfg: MillraceConfig, web: boolean): PortUse[] {
  const uses: PortUse[] = [];
  if (web) uses.push({ port: cfg.port, host: cfg.host, what: 'the web app', envVar: 'PORT' });
  if (!cfg.databaseUrl) {
    uses.push({
      port: cfg.pgPort,
      host: '127.0.0.1',
      what: 'the embedded Postgres',
      envVar: 'MILLRACE_PG_PORT',
      alternative: 'or set DATABASE_URL to use an existing Postgres',
    });
  }
  if (!cfg.temporalAddress) {
    const alternative = 'or set TEMPORAL_ADDRESS to use a running Temporal server';
    uses.push({ port: cfg.temporalPort, host: '127.0.0.1', what: 'the Temporal dev server', envVar: 'TEMPORAL_PORT', alternative });
    uses.push({ port: cfg.temporalUiPort, host: '127.0.0.1', what: 'the Temporal web UI', envVar: 'TEMPORAL_UI_PORT', alternative });
  }
  return uses;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Where the launcher itself reaches the web app listening on `host`. */
function localAddress(host: string): string {
  return WILDCARD_HOSTS.has(host) || LOOPBACK_HOSTS.has(host) ? '127.0.0.1' : host.replace(/^\[(.*)\]$/, '$1');
}

/** The URL people open: localhost for this machine, else the name or address it listens on. */
export function webAppUrl(host: string, port: number): string {
  if (WILDCARD_HOSTS.has(host) || LOOPBACK_HOSTS.has(host)) return `http://localhost:${port}`;
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

async function runSeed(env: Record<string, string>, log: Log): Promise<void> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const seedFile = ['ts', 'js'].map((ext) => path.join(here, '..', 'services', `seed.${ext}`)).find((f) => fs.existsSync(f));
  if (!seedFile) {
    log('[millrace] Seeding skipped: server/services/seed.ts does not exist yet');
    return;
  }
  Object.assign(process.env, env);
  const { seedExamples } = await import('../services/seed');
  await seedExamples();
  const { closeDb } = await import('../../db/client');
  await closeDb();
  log('[millrace] Example dataset and pipelines are in place');
}

/**
 * Starts everything Millrace needs, in order: ports check, Postgres, Temporal, migrations,
 * seed data, worker, web app. On failure (or abort) whatever started is stopped again.
 */
export async function startStack(cfg: MillraceConfig, opts: StackOptions): Promise<StackHandle> {
  const { log, signal } = opts;
  const root = opts.root ?? REPO_ROOT;
  const runDir = path.join(cfg.dataDir, 'run');
  const workerPidFile = path.join(runDir, 'worker.pid');
  const fitWorkerPidFile = path.join(runDir, 'fit-worker.pid');
  const webPidFile = path.join(runDir, 'web.pid');
  const temporalPidFile = path.join(runDir, 'temporal.pid');
  const workerCommand = opts.workerCommand ?? {
    command: process.execPath,
    args: ['--import', 'tsx', path.join(root, 'workflows', 'engine', 'worker.ts')],
  };
  const fitWorkerCommand = opts.fitWorkerCommand ?? {
    command: pythonExecutable(cfg.pythonVenv),
    args: ['-u', path.join(root, 'workflows', 'ml', 'worker.py')],
  };

  secureDataDir(cfg);
  const lockFile = acquireLock(runDir);

  let stopPromise: Promise<void> | undefined;
  let pg: PostgresHandle | undefined;
  let temporal: TemporalHandle | undefined;
  let worker: ManagedChild | undefined;
  let fitWorker: ManagedChild | undefined;
  let web: ManagedChild | undefined;
  let build: ManagedChild | undefined;
  // Every child that dies is started again (Postgres on the same data folder and port, Temporal on the
  // same database file and ports); only stop() (Ctrl-C, SIGTERM) ends them.
  const supervisor = createSupervisor(log);

  const kill = () => {
    void supervisor.stop();
    for (const c of [build, worker, fitWorker, web, temporal?.process]) c?.kill();
    // Postgres: immediate shutdown (crash-safe; it recovers on the next start).
    if (pg?.process && !pg.process.hasExited()) signalGroup(pg.process.pid, 'SIGQUIT');
  };
  process.on('exit', kill);

  const stop = (): Promise<void> => {
    stopPromise ??= (async () => {
      await supervisor.stop();
      await Promise.all([build?.terminate(5_000), worker?.terminate(10_000), fitWorker?.terminate(10_000), web?.terminate(10_000)]);
      removePidFile(workerPidFile);
      removePidFile(fitWorkerPidFile);
      removePidFile(webPidFile);
      await temporal?.stop();
      removePidFile(temporalPidFile);
      await pg?.stop();
      removePidFile(lockFile, process.pid);
      process.removeListener('exit', kill);
    })();
    return stopPromise;
  };

  try {
    // A crashed launcher may have left children running: stop them before checking ports.
    await reapLeftovers(
      runDir,
      {
        worker: [workerCommand.args[workerCommand.args.length - 1] ?? 'workflows/worker'],
        'fit-worker': [fitWorkerCommand.args[fitWorkerCommand.args.length - 1] ?? 'workflows/ml/worker.py'],
        web: ['next-server', path.join('next', 'dist', 'bin', 'next'), path.join('server', 'launcher', 'web-server.ts')],
        temporal: [cfg.temporalDbFile],
      },
      log,
    );
    if (!cfg.databaseUrl && fs.existsSync(cfg.pgDataDir)) await clearStalePostmaster(cfg, log);
    await assertPortsFree(portUses(cfg, opts.web !== false));
    throwIfAborted(signal);

    pg = await startPostgres(cfg, { log, signal });
    if (pg.process) {
      supervisor.watch('embedded Postgres', pg.process, async () => {
        // Same data folder and port; a postmaster.pid the killed server left is cleared first.
        pg = await startPostgres(cfg, { log });
        return pg.process!;
      });
    }
    throwIfAborted(signal);

    const launchTemporal = (abort?: AbortSignal) =>
      startTemporal(cfg, { cli: opts.temporalCli, log, signal: abort, onSpawn: (pid) => writePidFile(temporalPidFile, pid) });
    temporal = await launchTemporal(signal);
    if (temporal.process) {
      supervisor.watch('Temporal dev server', temporal.process, async () => {
        temporal = await launchTemporal();
        return temporal.process!;
      });
      secureTemporalDb(cfg);
    }
    throwIfAborted(signal);

    const { migrateDatabase } = await import('../../db/migrate');
    await migrateDatabase(pg.url);
    log('[millrace] Database migrations applied');
    throwIfAborted(signal);

    // No admin yet: a one-time link to create one, printed once the web app runs.
    const setupToken = cfg.auth === 'on' ? await issueSetupTokenAt(pg.url) : null;

    // BETTER_AUTH_SECRET in the launcher's environment wins (several machines sharing one database).
    const keys = ensureKeys(cfg.dataDir);
    const authSecret = cfg.authSecret ?? keys.authSecret;
    // Likewise MILLRACE_SECRET_KEY, which encrypts stored secrets (webhook URLs) for web and workers alike.
    const secretKey = cfg.secretKey ?? keys.secretKey;
    const sealed = await sealLegacyWebhookUrlsAt(pg.url, secretKeyFrom(secretKey));
    if (sealed > 0) log(`[millrace] Encrypted the URLs of ${sealed} webhook(s) saved before URLs were encrypted`);

    const env: Record<string, string> = {
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      MILLRACE_DATA_DIR: cfg.dataDir,
      MILLRACE_TASK_QUEUE: cfg.taskQueue,
      MILLRACE_PYTHON_VENV: cfg.pythonVenv,
      PORT: String(cfg.port),
      // The web app's request guard reads these (proxy.ts).
      MILLRACE_HOST: cfg.host,
      MILLRACE_ALLOWED_HOSTS: cfg.allowedHosts.join(','),
      MILLRACE_AUTH: cfg.auth,
      BETTER_AUTH_SECRET: authSecret,
      MILLRACE_SECRET_KEY: secretKey,
      NEXT_TELEMETRY_DISABLED: '1',
    };
    if (opts.temporalCli) env.TEMPORAL_CLI = opts.temporalCli;
    // Started from the test runner: children are not tests.
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([key, value]) => key !== 'VITEST' && !key.startsWith('VITEST_') && !(key === 'NODE_ENV' && value === 'test'),
      ),
    );
    const childEnv: Record<string, string | undefined> = { ...inherited, ...env };

    if (opts.seed !== false) {
      await runSeed(env, log);
      throwIfAborted(signal);
    }

    if (opts.worker) {
      /** Starts a worker process; the supervisor starts it again whenever it dies, until the stack stops. */
      const supervise = (name: string, command: { command: string; args: string[] }, pidFile: string, set: (c: ManagedChild) => void) => {
        const start = async () => {
          const child = spawnManaged({ name, ...command, cwd: root, env: childEnv, log });
          set(child);
          if (child.pid > 0) writePidFile(pidFile, child.pid);
          return child;
        };
        void start().then((child) => supervisor.watch(name, child, start));
      };
      const entry = workerCommand.args[workerCommand.args.length - 1];
      if (!opts.workerCommand && !fs.existsSync(entry)) {
        log(`[millrace] Worker not started: ${path.relative(root, entry)} does not exist yet`);
      } else {
        supervise('worker', workerCommand, workerPidFile, (c) => (worker = c));
      }
      // Model fitting: the Python fit worker polls the fit queue (workflows/ml/worker.py).
      supervise('fit-worker', fitWorkerCommand, fitWorkerPidFile, (c) => (fitWorker = c));
    }

    let webUrl: string | undefined;
    if (opts.web) {
      const bin = nextBin(root);
      if (opts.web === 'start') {
        const reason = buildReason(root);
        if (reason) {
          log(`[millrace] Building the web app (next build: ${reason}) — this takes a minute or two …`);
          const t0 = Date.now();
          build = spawnManaged({
            name: 'build',
            command: process.execPath,
            args: [bin, 'build'],
            cwd: root,
            env: { ...childEnv, NODE_ENV: 'production' },
            keepLines: 400,
          });
          const onAbort = () => void build?.terminate(2_000);
          signal?.addEventListener('abort', onAbort, { once: true });
          const result = await build.exited;
          signal?.removeEventListener('abort', onAbort);
          throwIfAborted(signal);
          if (result.code !== 0) {
            for (const line of build.recentOutput().split('\n')) log(`[build] ${line}`);
            throw new UserError(`Building the web app failed (next build, ${describeExit(result)}); its output is above.`);
          }
          build = undefined;
          log(`[millrace] Web app built in ${Math.round((Date.now() - t0) / 1000)} s`);
        }
      }
      const webMode = opts.web;
      const launchWeb = async () => {
        web = spawnManaged({
          name: 'web',
          command: process.execPath,
          // Next.js behind a node:http server that answers predict itself and sets the client address
          // (server/launcher/web-server.ts); `--dev` serves it from source with hot reload.
          args: ['--import', 'tsx', path.join(root, 'server', 'launcher', 'web-server.ts'), ...(webMode === 'dev' ? ['--dev'] : [])],
          cwd: root,
          env: { ...childEnv, NODE_ENV: webMode === 'start' ? 'production' : 'development' },
          log,
        });
        if (web.pid > 0) writePidFile(webPidFile, web.pid);
        return web;
      };
      const webChild = await launchWeb();
      const local = localAddress(cfg.host);
      await waitForTcp(local, cfg.port, 180_000, () => {
        if (signal?.aborted) return 'aborted';
        if (webChild.hasExited()) return 'web exited';
        return undefined;
      }).catch((err: Error) => {
        throwIfAborted(signal);
        if (webChild.hasExited()) {
          throw new UserError(`The web app stopped during start-up. Its last output:\n${webChild.recentOutput()}`);
        }
        throw new UserError(`The web app did not start listening on port ${cfg.port}: ${err.message}`);
      });
      webUrl = webAppUrl(cfg.host, cfg.port);
      if (!LOOPBACK_HOSTS.has(cfg.host)) {
        log(
          `[millrace] Warning: the web app listens on ${cfg.host} (MILLRACE_HOST), not only on this machine: ` +
            `anyone who can reach port ${cfg.port} can reach the sign-in page and the prediction endpoints made public. Put a TLS proxy in front and set MILLRACE_PUBLIC_URL (README, "Network and security").`,
        );
      }
      if (opts.web === 'start') {
        // One request, so the first person (or test) does not pay for the warm-up.
        await fetch(`${webUrl}/api/health`, { signal: AbortSignal.timeout(30_000) }).catch(() => {});
      }
      supervisor.watch('web app', webChild, launchWeb);
    }
    throwIfAborted(signal);

    return {
      databaseUrl: pg.url,
      temporalAddress: temporal.address,
      temporalNamespace: temporal.namespace,
      taskQueue: cfg.taskQueue,
      dataDir: cfg.dataDir,
      webUrl,
      setupUrl: setupToken && webUrl ? `${webUrl}/setup#${setupToken}` : undefined,
      temporalUiUrl: temporal.uiUrl,
      workerPidFile,
      fitWorkerPidFile,
      stop,
      kill,
      pids: () => {
        const pids: Partial<Record<StackChild, number>> = {};
        const current: [StackChild, ManagedChild | undefined][] = [
          ['postgres', pg?.process],
          ['temporal', temporal?.process],
          ['worker', worker],
          ['fit-worker', fitWorker],
          ['web', web],
        ];
        for (const [name, child] of current) if (child && child.pid > 0 && !child.hasExited()) pids[name] = child.pid;
        return pids;
      },
      restarts: () => supervisor.events(),
    };
  } catch (err) {
    await stop();
    if (signal?.aborted) throw new AbortedError();
    throw err;
  }
}
