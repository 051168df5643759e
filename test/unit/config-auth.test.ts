import { describe, expect, it } from 'vitest';
import { isLoopbackHost, loadConfig } from '../../server/infra/config';
import { isUserError } from '../../server/infra/errors';

const load = (env: Record<string, string>) => loadConfig(env as NodeJS.ProcessEnv);

function refusal(env: Record<string, string>): Error {
  try {
    load(env);
  } catch (err) {
    return err as Error;
  }
  throw new Error('loadConfig accepted the settings');
}

describe('MILLRACE_AUTH', () => {
  it('is on unless set to off', () => {
    expect(load({}).auth).toBe('on');
    expect(load({ MILLRACE_AUTH: 'on', MILLRACE_HOST: '0.0.0.0' }).auth).toBe('on');
  });

  it('may be off while the app listens on loopback only', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.0.0.2', '::ffff:127.0.0.1']) {
      expect(load({ MILLRACE_AUTH: 'off', MILLRACE_HOST: host }).auth, host).toBe('off');
    }
    expect(load({ MILLRACE_AUTH: 'off' }).auth).toBe('off');
  });

  it('is refused when off and the app listens on another address, with a message saying what to change', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.5', 'fd00::5', 'millrace.example.org']) {
      const err = refusal({ MILLRACE_AUTH: 'off', MILLRACE_HOST: host });
      expect(isUserError(err), host).toBe(true);
      expect(err.message).toContain(`MILLRACE_HOST is ${host}`);
      expect(err.message).toContain('Unset MILLRACE_AUTH');
    }
  });

  it('is refused when off and a proxy host is allowed, even on loopback', () => {
    const err = refusal({ MILLRACE_AUTH: 'off', MILLRACE_HOST: '127.0.0.1', MILLRACE_ALLOWED_HOSTS: 'millrace.example.org' });
    expect(isUserError(err)).toBe(true);
    expect(err.message).toContain('MILLRACE_ALLOWED_HOSTS (millrace.example.org)');
  });

  it('accepts only on or off', () => {
    const err = refusal({ MILLRACE_AUTH: 'no' });
    expect(err.message).toContain('MILLRACE_AUTH: on or off');
  });
});

describe('isLoopbackHost', () => {
  it('knows loopback names and addresses from the rest', () => {
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
    expect(isLoopbackHost('127.255.0.1')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
    expect(isLoopbackHost('localhost.example.org')).toBe(false);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
  });
});
