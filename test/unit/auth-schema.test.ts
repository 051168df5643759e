import { schemaCheckFor } from '@better-auth/core/db/internal';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { describe, expect, it } from 'vitest';
import { authOptions, authSchema, servedHostPatterns } from '../../server/auth/auth';

const settings = { secret: 's'.repeat(32), port: 3000, host: '127.0.0.1', allowedHosts: [], secureCookies: false };

describe('better-auth and db/schema.ts', () => {
  it('has every table and column better-auth and its organization plugin write', async () => {
    const options = authOptions(settings);
    // The drizzle adapter compares its options with the drizzle tables alone; no database is opened.
    const adapter = drizzleAdapter({}, { provider: 'pg', schema: authSchema })(options);
    const check = schemaCheckFor(adapter);
    expect(check).toBeDefined();
    await expect(check!() ?? Promise.resolve()).resolves.toBeUndefined();
  });
});

describe('servedHostPatterns', () => {
  it('lists the loopback names and the bind address on the app port, and proxy names on any port unless one is named', () => {
    expect(servedHostPatterns({ port: 3000, host: '192.168.1.5', allowedHosts: ['millrace.example.org', 'box.lan:8080'] })).toEqual([
      'localhost:3000',
      '127.0.0.1:3000',
      '[::1]:3000',
      '192.168.1.5:3000',
      'millrace.example.org',
      'millrace.example.org:*',
      'box.lan:8080',
    ]);
  });

  it('names no host for a wildcard bind address and brackets IPv6 ones', () => {
    expect(servedHostPatterns({ port: 3000, host: '0.0.0.0', allowedHosts: [] })).toEqual(['localhost:3000', '127.0.0.1:3000', '[::1]:3000']);
    expect(servedHostPatterns({ port: 3000, host: 'fd00::5', allowedHosts: [] })).toContain('[fd00::5]:3000');
  });
});

describe('trusted origins', () => {
  it('are the served hosts over the served protocol, and proxied names over https as well', () => {
    const options = authOptions({ ...settings, allowedHosts: ['millrace.example.org'] });
    expect(options.trustedOrigins).toContain('http://localhost:3000');
    expect(options.trustedOrigins).toContain('https://millrace.example.org');
    expect(options.trustedOrigins).not.toContain('https://localhost:3000');
    expect(authOptions({ ...settings, secureCookies: true }).trustedOrigins).toEqual(['https://localhost:3000', 'https://127.0.0.1:3000', 'https://[::1]:3000']);
  });
});
