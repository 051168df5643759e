import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isUserError } from '../../server/infra/errors';
import { ensureKeys, keysPath } from '../../server/launcher/keys';

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'millrace-keys-'));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe("the data folder's keys", () => {
  it('are created on first start, random, in a file only the owner can read', () => {
    const keys = ensureKeys(dataDir);
    expect(keys.authSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(keys.secretKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(keys.authSecret).not.toBe(keys.secretKey);
    expect(fs.statSync(keysPath(dataDir)).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dataDir)).toEqual(['keys.json']);
  });

  it('are the same on every later start, and the file is made private again if it was opened up', () => {
    const first = ensureKeys(dataDir);
    fs.chmodSync(keysPath(dataDir), 0o644);
    expect(ensureKeys(dataDir)).toEqual(first);
    expect(fs.statSync(keysPath(dataDir)).mode & 0o777).toBe(0o600);
  });

  it('refuse a damaged file with a message saying what losing it means, instead of replacing it', () => {
    fs.writeFileSync(keysPath(dataDir), '{"authSecret":"short"}');
    let thrown: unknown;
    try {
      ensureKeys(dataDir);
    } catch (err) {
      thrown = err;
    }
    expect(isUserError(thrown)).toBe(true);
    expect((thrown as Error).message).toContain('is damaged');
    expect((thrown as Error).message).toContain('signs everyone out');
    expect(fs.readFileSync(keysPath(dataDir), 'utf8')).toBe('{"authSecret":"short"}');
  });
});
