import { describe, expect, it } from 'vitest';
import { setupRequestSchema } from '../../server/auth/setup';
import { randomToken, sameHash, tokenHash } from '../../server/auth/token-hash';

describe('set-up and API token hashes', () => {
  it('stores a token as its sha256 hex and compares hashes exactly', () => {
    const token = randomToken();
    expect(tokenHash(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(sameHash(tokenHash(token), tokenHash(token))).toBe(true);
    expect(sameHash(tokenHash(token), tokenHash(`${token}x`))).toBe(false);
    expect(sameHash(tokenHash(token), 'abcd')).toBe(false);
  });

  it('makes a different 32-byte token every time', () => {
    const a = randomToken();
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(randomToken()).not.toBe(a);
  });
});

describe('the set-up form', () => {
  const form = { token: 't', name: 'Ada', email: 'ada@example.com', password: 'twelve-chars' };

  it('accepts a complete form', () => {
    expect(setupRequestSchema.parse(form)).toEqual(form);
  });

  it.each([
    [{ password: 'short' }, /at least 12 characters/],
    [{ email: 'not-an-email' }, /email address is not valid/],
    [{ name: '  ' }, /Give the admin a name/],
    [{ token: '' }, /set-up token is missing/],
    [{ role: 'admin' }, /Unrecognized key/],
  ])('refuses %o, saying what is wrong', (change, message) => {
    const result = setupRequestSchema.safeParse({ ...form, ...change });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join('; ')).toMatch(message);
  });
});
