import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from './errors';

// The embedded Postgres's passwords: random per data folder, generated on first start and kept in a
// file only the launcher's user can read. The superuser is the launcher's alone (it creates the app's
// role and database); the worker and the web app connect as the app role.

const roleSchema = z.object({
  user: z.string().regex(/^[a-z_][a-z0-9_]*$/),
  password: z.string().min(16),
});

const credentialsSchema = z.object({
  superuser: roleSchema,
  app: roleSchema,
});

export type PostgresCredentials = z.infer<typeof credentialsSchema>;

export const CREDENTIALS_FILE = 'postgres-credentials.json';
export const APP_ROLE = 'millrace_app';

export function credentialsPath(dataDir: string): string {
  return path.join(dataDir, CREDENTIALS_FILE);
}

/** 32 random bytes, URL- and SQL-literal-safe (base64url). */
export function newPassword(): string {
  return randomBytes(32).toString('base64url');
}

export function newCredentials(superuser: string): PostgresCredentials {
  return { superuser: { user: superuser, password: newPassword() }, app: { user: APP_ROLE, password: newPassword() } };
}

/** The stored credentials, or undefined when the file does not exist yet. */
export function readCredentials(dataDir: string): PostgresCredentials | undefined {
  const file = credentialsPath(dataDir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let parsed: PostgresCredentials;
  try {
    parsed = credentialsSchema.parse(JSON.parse(text));
  } catch (err) {
    throw new UserError(
      `The embedded Postgres credentials file ${file} is damaged (${(err as Error).message.split('\n')[0]}).\n` +
        `Restore it from a backup, or move the data folder's postgres/ folder and this file away to start with an empty database.`,
    );
  }
  if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  return parsed;
}

/** Writes the file atomically, readable by its owner only. */
export function writeCredentials(dataDir: string, creds: PostgresCredentials): void {
  const file = credentialsPath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(credentialsSchema.parse(creds), null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

export function roleUrl(role: { user: string; password: string }, port: number, db: string): string {
  return `postgres://${role.user}:${encodeURIComponent(role.password)}@127.0.0.1:${port}/${db}`;
}
