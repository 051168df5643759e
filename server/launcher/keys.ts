import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from './errors';

// The data folder's own keys, generated on first start and kept in a file only the launcher's user can
// read: `authSecret` signs sign-in sessions, `secretKey` is for encrypting stored secrets. Losing the file
// signs everyone out, so it is backed up with the data folder.

const key = z.string().regex(/^[A-Za-z0-9_-]{43,}$/, 'at least 32 random bytes, base64url');
const keysSchema = z.object({ authSecret: key, secretKey: key });

export type DataKeys = z.infer<typeof keysSchema>;

export const KEYS_FILE = 'keys.json';

export function keysPath(dataDir: string): string {
  return path.join(dataDir, KEYS_FILE);
}

function newKey(): string {
  return randomBytes(32).toString('base64url');
}

/** The data folder's keys: read from keys.json, or created there (0600) on first start. */
export function ensureKeys(dataDir: string): DataKeys {
  const file = keysPath(dataDir);
  let text: string | undefined;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text === undefined) {
    const keys: DataKeys = { authSecret: newKey(), secretKey: newKey() };
    writeKeys(file, keys);
    return keys;
  }
  let keys: DataKeys;
  try {
    keys = keysSchema.parse(JSON.parse(text));
  } catch (err) {
    throw new UserError(
      `The data folder's key file ${file} is damaged (${(err as Error).message.split('\n')[0]}).\n` +
        `Restore it from a backup. Deleting it makes new keys, which signs everyone out.`,
    );
  }
  if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  return keys;
}

/** Writes the file atomically, readable by its owner only. */
function writeKeys(file: string, keys: DataKeys): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(keysSchema.parse(keys), null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}
