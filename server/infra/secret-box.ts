import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { config } from './config';
import { ServiceError } from './errors';

// Secrets at rest (webhook URLs, signing secrets): AES-256-GCM under the data folder's `secretKey`
// (keys.json, or MILLRACE_SECRET_KEY when several machines share one database). A sealed value names the
// key it was sealed with, so a process holding another key says which key is missing instead of failing
// on garbage. Format: `v1:<keyId>:<iv>:<tag>:<ciphertext>`, base64url parts, keyId = 8 hex of sha256(key).

const VERSION = 'v1';
const SEALED = /^v1:([0-9a-f]{8}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]{22}):([A-Za-z0-9_-]*)$/;

/** A missing or wrong key: the operator's to fix, so APIs answer it as unavailable (503) with this message. */
export class SecretKeyError extends ServiceError {
  constructor(message: string) {
    super('unavailable', message);
    this.name = 'SecretKeyError';
  }
}

export interface SecretKey {
  id: string;
  key: Buffer;
}

/** A key from its base64url text (32 random bytes or more; longer keys are hashed down to 32 bytes). */
export function secretKeyFrom(text: string): SecretKey {
  const raw = Buffer.from(text, 'base64url');
  if (raw.length < 32) throw new SecretKeyError('The secret key must be at least 32 random bytes, base64url-encoded (43 characters or more).');
  const key = raw.length === 32 ? raw : createHash('sha256').update(raw).digest();
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
}

export function seal(plaintext: string, k: SecretKey): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', k.key, iv);
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, k.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join(':');
}

export function isSealed(value: string): boolean {
  return SEALED.test(value);
}

export function open(sealed: string, k: SecretKey): string {
  const m = SEALED.exec(sealed);
  if (!m) throw new SecretKeyError('A stored secret is not in the v1:<keyId>:… form; it cannot be read.');
  const [, keyId, iv, tag, ct] = m;
  if (keyId !== k.id) {
    throw new SecretKeyError(
      `A stored secret was encrypted with key ${keyId}, but this process has key ${k.id}. ` +
        `Restore the data folder's keys.json (or MILLRACE_SECRET_KEY) that holds key ${keyId}.`,
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', k.key, Buffer.from(iv!, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag!, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct!, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretKeyError(`A stored secret under key ${keyId} failed its integrity check: it was changed or damaged.`);
  }
}

/** MILLRACE_SECRET_KEY, else keys.json's `secretKey` in the data folder (written by the launcher). */
export function loadSecretKey(cfg: { secretKey?: string; dataDir: string } = config()): SecretKey {
  if (cfg.secretKey) return secretKeyFrom(cfg.secretKey);
  const file = path.join(cfg.dataDir, 'keys.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new SecretKeyError(`No key for stored secrets: set MILLRACE_SECRET_KEY, or start Millrace with \`npm start\`, which keeps one in ${file}.`);
  }
  let parsed: { secretKey?: unknown } = {};
  try {
    parsed = JSON.parse(text) as { secretKey?: unknown };
  } catch {
    // reported below
  }
  if (typeof parsed.secretKey !== 'string') throw new SecretKeyError(`${file} holds no secretKey; restore it from a backup.`);
  return secretKeyFrom(parsed.secretKey);
}

let cached: SecretKey | undefined;
/** The process's secret key (read once). */
export function secretKey(): SecretKey {
  cached ??= loadSecretKey();
  return cached;
}

export const sealSecret = (plaintext: string) => seal(plaintext, secretKey());
export const openSecret = (sealed: string) => open(sealed, secretKey());
