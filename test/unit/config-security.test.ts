import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/infra/config';
import { isUserError } from '../../server/infra/errors';
import { temporalConnectOptions } from '../../server/infra/temporal-connection';

const load = (env: Record<string, string>) => loadConfig(env as NodeJS.ProcessEnv);

function refusal(env: Record<string, string>): Error {
  try {
    load(env);
  } catch (err) {
    return err as Error;
  }
  throw new Error('loadConfig accepted the settings');
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-security-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const pem = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

describe('rate limit settings', () => {
  it('default to 5 sign-ins, 5 set-up posts, 20 failed tokens, 10 new tokens and 6000 predictions a minute', () => {
    expect(load({}).rateLimits).toEqual({ signIn: 5, setup: 5, tokenFailures: 20, tokenCreate: 10, predict: 6000 });
  });

  it('take whole numbers; 0 turns only predict limiting off', () => {
    expect(load({ MILLRACE_RATE_PREDICT: '0', MILLRACE_RATE_SIGNIN: '12' }).rateLimits).toMatchObject({ predict: 0, signIn: 12 });
    expect(refusal({ MILLRACE_RATE_SIGNIN: '0' }).message).toMatch(/MILLRACE_RATE_SIGNIN: at least 1 per minute/);
    expect(refusal({ MILLRACE_RATE_TOKEN_FAILURES: '2.5' }).message).toMatch(/MILLRACE_RATE_TOKEN_FAILURES: a whole number/);
    expect(refusal({ MILLRACE_RATE_PREDICT: 'lots' }).message).toMatch(/MILLRACE_RATE_PREDICT/);
  });
});

describe('MILLRACE_SECRET_KEY', () => {
  it('must be 32 random bytes or more, base64url', () => {
    expect(refusal({ MILLRACE_SECRET_KEY: 'short' }).message).toMatch(/MILLRACE_SECRET_KEY: at least 32 random bytes/);
    const key = Buffer.alloc(32, 7).toString('base64url');
    expect(load({ MILLRACE_SECRET_KEY: key }).secretKey).toBe(key);
  });
});

describe('Temporal TLS settings', () => {
  it('are off for the local dev server', () => {
    expect(load({}).temporalTls).toBeUndefined();
    expect(temporalConnectOptions('127.0.0.1:7233', load({}))).toEqual({ address: '127.0.0.1:7233' });
  });

  it('read mutual TLS files and an API key for a shared Temporal', () => {
    const cert = pem('client.pem', 'CERT');
    const key = pem('client.key', 'KEY');
    const ca = pem('ca.pem', 'CA');
    const cfg = load({
      TEMPORAL_ADDRESS: 'temporal.example.org:7233',
      TEMPORAL_TLS_CERT: cert,
      TEMPORAL_TLS_KEY: key,
      TEMPORAL_TLS_CA: ca,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      TEMPORAL_API_KEY: 'api-key',
    });
    const opts = temporalConnectOptions('temporal.example.org:7233', cfg);
    expect(opts.apiKey).toBe('api-key');
    expect(opts.tls).toEqual({
      clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') },
      serverRootCACertificate: Buffer.from('CA'),
      serverNameOverride: 'temporal.internal',
    });
  });

  it('turn TLS on for an API key alone (system CAs)', () => {
    const opts = temporalConnectOptions('x.tmprl.cloud:7233', load({ TEMPORAL_ADDRESS: 'x.tmprl.cloud:7233', TEMPORAL_API_KEY: 'k' }));
    expect(opts).toEqual({ address: 'x.tmprl.cloud:7233', tls: true, apiKey: 'k' });
  });

  it('refuse half a key pair, a missing file, TLS off with TLS files, and TLS without TEMPORAL_ADDRESS', () => {
    const cert = pem('only.pem', 'CERT');
    for (const [env, message] of [
      [{ TEMPORAL_ADDRESS: 't:7233', TEMPORAL_TLS_CERT: cert }, /TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together/],
      [{ TEMPORAL_ADDRESS: 't:7233', TEMPORAL_TLS_CA: path.join(dir, 'missing.pem') }, /TEMPORAL_TLS_CA names .*missing\.pem, which does not exist/],
      [{ TEMPORAL_ADDRESS: 't:7233', TEMPORAL_TLS: 'off', TEMPORAL_API_KEY: 'k' }, /TEMPORAL_TLS=off cannot be combined/],
      [{ TEMPORAL_API_KEY: 'k' }, /set TEMPORAL_ADDRESS too/],
    ] as const) {
      const err = refusal(env as Record<string, string>);
      expect(isUserError(err), JSON.stringify(env)).toBe(true);
      expect(err.message).toMatch(message);
    }
  });
});
