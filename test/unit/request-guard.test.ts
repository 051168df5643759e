import { describe, expect, it } from 'vitest';
import { checkRequest, isAllowedHost, parseHost, type GuardSettings } from '../../server/rest/request-guard';

const local: GuardSettings = { port: 3000, host: '127.0.0.1', allowedHosts: [] };

function request(method: string, pathname: string, headers: Record<string, string>) {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method, pathname, headers: { get: (name: string) => lower[name.toLowerCase()] ?? null } };
}

describe('Host check (DNS rebinding)', () => {
  it('parses names, ports and bracketed IPv6 addresses', () => {
    expect(parseHost('LocalHost:3000')).toEqual({ name: 'localhost', port: 3000 });
    expect(parseHost('[::1]:3000')).toEqual({ name: '[::1]', port: 3000 });
    expect(parseHost('example.org')).toEqual({ name: 'example.org', port: undefined });
    expect(parseHost('a b')).toBeUndefined();
    expect(parseHost('host:99999')).toBeUndefined();
    expect(parseHost('user@host')).toBeUndefined();
  });

  it('answers to the loopback names on its own port only', () => {
    for (const host of ['localhost:3000', '127.0.0.1:3000', '[::1]:3000']) expect(isAllowedHost(host, local), host).toBe(true);
    for (const host of ['localhost:3001', 'localhost', '127.0.0.1:80']) expect(isAllowedHost(host, local), host).toBe(false);
  });

  it('refuses other names, a missing Host and malformed values', () => {
    for (const host of ['evil.example:3000', 'evil.example', '127.0.0.2:3000', '', 'localhost:3000 x']) {
      expect(isAllowedHost(host, local), host).toBe(false);
    }
    expect(isAllowedHost(null, local)).toBe(false);
  });

  it('answers to MILLRACE_HOST when it is an address or name, not a wildcard', () => {
    expect(isAllowedHost('192.168.1.5:3000', { ...local, host: '192.168.1.5' })).toBe(true);
    expect(isAllowedHost('[fd00::5]:3000', { ...local, host: 'fd00::5' })).toBe(true);
    expect(isAllowedHost('0.0.0.0:3000', { ...local, host: '0.0.0.0' })).toBe(false);
  });

  it('answers to MILLRACE_ALLOWED_HOSTS entries, with any port unless the entry names one', () => {
    const proxied = { ...local, allowedHosts: ['millrace.example.org', 'box.lan:8080'] };
    expect(isAllowedHost('millrace.example.org', proxied)).toBe(true);
    expect(isAllowedHost('MILLRACE.example.org:443', proxied)).toBe(true);
    expect(isAllowedHost('box.lan:8080', proxied)).toBe(true);
    expect(isAllowedHost('box.lan:8081', proxied)).toBe(false);
    expect(isAllowedHost('other.example.org', proxied)).toBe(false);
  });

  it('refuses a wrong Host with 421 and says how to allow it', () => {
    const v = checkRequest(request('GET', '/', { host: 'evil.example:3000' }), local);
    expect(v).toMatchObject({ ok: false, status: 421 });
    expect(!v.ok && v.error).toContain('MILLRACE_ALLOWED_HOSTS=evil.example');
  });
});

describe('API changes (cross-site requests)', () => {
  const json = { host: 'localhost:3000', 'content-type': 'application/json', 'content-length': '2' };

  it('lets same-origin JSON changes and every read through', () => {
    expect(checkRequest(request('POST', '/api/v1/pipelines/p/runs', { ...json, origin: 'http://localhost:3000' }), local).ok).toBe(true);
    expect(checkRequest(request('PUT', '/api/v1/pipelines/p', json), local).ok).toBe(true);
    expect(checkRequest(request('POST', '/api/trpc/pipelines.save', { ...json, origin: 'http://localhost:3000' }), local).ok).toBe(true);
    expect(checkRequest(request('GET', '/api/v1/runs', { host: 'localhost:3000', origin: 'http://evil.example' }), local).ok).toBe(true);
  });

  it('lets a change without a body and without Origin through (scripts, the CLI)', () => {
    expect(checkRequest(request('POST', '/api/v1/runs/x/cancel', { host: '127.0.0.1:3000' }), local).ok).toBe(true);
  });

  it('refuses a change from another origin, even with JSON', () => {
    for (const origin of ['http://evil.example', 'http://localhost:3001', 'null', 'https://localhost:3000.evil.example']) {
      const v = checkRequest(request('POST', '/api/v1/runs/x/cancel', { ...json, origin }), local);
      expect(v, origin).toMatchObject({ ok: false, status: 403 });
    }
  });

  it('accepts the https origin of an allowed name behind a TLS proxy', () => {
    const proxied = { ...local, allowedHosts: ['millrace.example.org'] };
    const req = request('POST', '/api/v1/pipelines/p/runs', { ...json, host: 'millrace.example.org', origin: 'https://millrace.example.org' });
    expect(checkRequest(req, proxied).ok).toBe(true);
  });

  it('refuses a change a browser marks cross-site', () => {
    const v = checkRequest(request('DELETE', '/api/v1/x', { ...json, 'sec-fetch-site': 'cross-site' }), local);
    expect(v).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses form and plain-text bodies (no CORS preflight) with 415', () => {
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'Text/Plain;charset=UTF-8']) {
      for (const path of ['/api/v1/pipelines/p/runs', '/api/v1/datasets', '/api/trpc/runs.cancel']) {
        const v = checkRequest(request('POST', path, { ...json, 'content-type': type }), local);
        expect(v, `${type} ${path}`).toMatchObject({ ok: false, status: 415 });
      }
    }
  });

  it('refuses a body without a Content-Type', () => {
    const v = checkRequest(request('POST', '/api/v1/pipelines/p/runs', { host: 'localhost:3000', 'content-length': '10' }), local);
    expect(v).toMatchObject({ ok: false, status: 415 });
  });

  it('takes JSON on JSON routes and the data formats on dataset upload', () => {
    expect(checkRequest(request('PUT', '/api/v1/pipelines/p', { ...json, 'content-type': 'text/csv' }), local)).toMatchObject({ status: 415 });
    for (const type of ['text/csv', 'application/json', 'application/x-ndjson', 'application/vnd.apache.parquet']) {
      expect(checkRequest(request('POST', '/api/v1/datasets', { ...json, 'content-type': type }), local).ok, type).toBe(true);
    }
  });

  it('leaves changes outside /api to the page (Next checks its own server actions)', () => {
    const req = request('POST', '/pipelines/p', { host: 'localhost:3000', 'content-type': 'text/plain', origin: 'http://evil.example' });
    expect(checkRequest(req, local).ok).toBe(true);
  });
});
