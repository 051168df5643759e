import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretKeyError, isSealed, loadSecretKey, open, seal, secretKeyFrom } from '../../server/infra/secret-box';

const keyText = () => randomBytes(32).toString('base64url');

describe('secret box', () => {
  it('seals to v1:<keyId>:… without the plaintext, and opens it again', () => {
    const k = secretKeyFrom(keyText());
    const plaintext = 'https://hooks.slack.com/services/T000/B000/MARKER-secret-path';
    const sealed = seal(plaintext, k);
    expect(sealed.startsWith(`v1:${k.id}:`)).toBe(true);
    expect(sealed).not.toContain('MARKER');
    expect(isSealed(sealed)).toBe(true);
    expect(open(sealed, k)).toBe(plaintext);
    // A fresh IV each time: equal secrets do not look equal at rest.
    expect(seal(plaintext, k)).not.toBe(sealed);
  });

  it('names the missing key when a value was sealed under another one', () => {
    const a = secretKeyFrom(keyText());
    const b = secretKeyFrom(keyText());
    const sealed = seal('secret', a);
    expect(() => open(sealed, b)).toThrow(SecretKeyError);
    expect(() => open(sealed, b)).toThrow(new RegExp(`encrypted with key ${a.id}, but this process has key ${b.id}`));
  });

  it('refuses a changed ciphertext instead of returning garbage', () => {
    const k = secretKeyFrom(keyText());
    const sealed = seal('secret value', k);
    const parts = sealed.split(':');
    const ct = Buffer.from(parts[4]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    parts[4] = ct.toString('base64url');
    expect(() => open(parts.join(':'), k)).toThrow(/failed its integrity check/);
    expect(() => open('https://plain.example/', k)).toThrow(/not in the v1/);
  });

  it('refuses a short key', () => {
    expect(() => secretKeyFrom(randomBytes(16).toString('base64url'))).toThrow(/at least 32 random bytes/);
  });

  it('takes MILLRACE_SECRET_KEY first, else keys.json in the data folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-box-'));
    try {
      expect(() => loadSecretKey({ dataDir: dir })).toThrow(/set MILLRACE_SECRET_KEY/);
      const fileKey = keyText();
      fs.writeFileSync(path.join(dir, 'keys.json'), JSON.stringify({ authSecret: keyText(), secretKey: fileKey }));
      expect(loadSecretKey({ dataDir: dir }).id).toBe(secretKeyFrom(fileKey).id);
      const envKey = keyText();
      expect(loadSecretKey({ dataDir: dir, secretKey: envKey }).id).toBe(secretKeyFrom(envKey).id);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
