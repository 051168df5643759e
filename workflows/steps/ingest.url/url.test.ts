import dns from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDatasetFile } from '../../../server/infra/dataset-ingest';
import { fetchUrl, guardedLookup, parseNetwork, refusedAddress, UrlRefusedError } from '../../../server/infra/url-fetch';
import { tempDir } from '../../../test/support/tables';
import definition from './definition';

// Every refusal happens before a connection is made, so none of these needs a network.
const REFUSED = [
  'http://127.0.0.1/data.csv',
  'http://127.1/',
  'http://2130706433/', // decimal
  'http://0177.0.0.1/', // octal
  'http://0x7f.0.0.1/', // hexadecimal
  'http://017700000001/', // octal, one number
  'http://0x7f000001/', // hexadecimal, one number
  'http://127.0.0.1./', // trailing dot
  'http://%31%32%37.0.0.1/', // percent-encoded
  'http://①②⑦.0.0.1/', // Unicode digits (IDNA maps them to 127)
  'http://[::1]/',
  'http://[0:0:0:0:0:0:0:1]/',
  'http://[::ffff:127.0.0.1]/', // IPv4-mapped IPv6
  'http://[::ffff:7f00:1]/',
  'http://[::ffff:169.254.169.254]/',
  'http://[64:ff9b::a9fe:a9fe]/', // NAT64 of 169.254.169.254
  'http://[2002:a9fe:a9fe::]/', // 6to4 of 169.254.169.254
  'http://10.0.0.1/',
  'http://172.16.5.4/',
  'http://192.168.0.1/',
  'http://100.100.100.200/', // Alibaba Cloud metadata (carrier-grade NAT range)
  'http://169.254.169.254/latest/meta-data/',
  'http://[fe80::1]/',
  'http://[fd00:ec2::254]/', // AWS metadata over IPv6 (unique local)
  'http://0.0.0.0/',
  'http://0/',
  'http://[::]/',
  'http://224.0.0.1/',
  'http://255.255.255.255/',
  'http://localhost:3000/',
  'http://LOCALHOST./',
  'http://[::ffff:0:7f00:1]/', // IPv4-translated
  'http://app.localhost/',
  'http://metadata.google.internal/computeMetadata/v1/',
];

const server = http.createServer((req, res) => {
  const url = new URL(req.url!, 'http://x');
  const to = url.searchParams.get('to');
  if (to) {
    res.writeHead(302, { location: to });
    return res.end();
  }
  if (url.pathname === '/loop') {
    res.writeHead(301, { location: '/loop' });
    return res.end();
  }
  if (url.pathname === '/big.csv') {
    res.writeHead(200, { 'content-type': 'text/csv', 'content-length': String(50 * 1024 * 1024) });
    return res.end();
  }
  res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
  res.end('name,"body mass (g)"\n"O\'Hare ""north""",3750\nÆrø,\n');
});
let base = '';
const loopback = [parseNetwork('127.0.0.1')];

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function refusal(url: string, opts: Partial<Parameters<typeof fetchUrl>[1]> = {}): Promise<Error> {
  try {
    const res = await fetchUrl(url, { maxBytes: 1024 ** 2, timeoutMs: 2000, ...opts });
    res.body.destroy();
  } catch (err) {
    return err as Error;
  }
  throw new Error(`${url} was fetched`);
}

describe('ingest.url: addresses that are not public are refused', () => {
  it.each(REFUSED)('refuses %s before connecting', async (url) => {
    const err = await refusal(url);
    expect(err).toBeInstanceOf(UrlRefusedError);
    expect(err.message).toMatch(/^Refused to fetch/);
  });

  it('refuses other schemes and credentials in the URL', async () => {
    expect((await refusal('file:///etc/passwd')).message).toBe('Only http and https URLs can be fetched, not file');
    expect((await refusal('ftp://example.com/a.csv')).message).toBe('Only http and https URLs can be fetched, not ftp');
    expect((await refusal('http://user:secret@example.com/a.csv')).message).toMatch(/user name or password/);
  });

  it('names each range it refuses', () => {
    expect(refusedAddress('127.0.0.1')).toBe('127.0.0.1 is a loopback address');
    expect(refusedAddress('::ffff:10.1.2.3')).toBe('10.1.2.3 is a private address');
    expect(refusedAddress('169.254.169.254')).toBe('169.254.169.254 is a link-local (cloud metadata lives here) address');
    expect(refusedAddress('8.8.8.8')).toBeUndefined();
    expect(refusedAddress('2606:4700:4700::1111')).toBeUndefined();
    expect(refusedAddress('10.1.2.3', [parseNetwork('10.0.0.0/8')])).toBeUndefined();
    expect(refusedAddress('::ffff:10.1.2.3', [parseNetwork('::ffff:10.0.0.0/104')])).toBeUndefined();
  });

  it('checks names at connect time: a name that resolves to a refused address is refused (real resolver, /etc/hosts)', async () => {
    const name = os.hostname();
    const resolved = await dns.promises.lookup(name);
    // This machine's own name resolves to an address of this machine or its private network.
    expect(refusedAddress(resolved.address)).toBeDefined();
    const err = await refusal(`http://${name}:${new URL(base).port}/data.csv`);
    expect(err).toBeInstanceOf(UrlRefusedError);
    expect(err.message).toContain(`Refused to connect to "${name}"`);
    // The agent's lookup itself, with the real resolver.
    const answer = await new Promise<Error | null>((resolve) => guardedLookup([])('localhost', {}, (e) => resolve(e)));
    expect(answer?.message).toMatch(/^Refused to connect to "localhost": (127\.0\.0\.1|::1|0:0:0:0:0:0:0:1) is a loopback address$/);
  });

  it('refuses a name when any of its addresses is refused, whichever comes first', async () => {
    const resolver = ((_host: string, _opts: unknown, cb: (e: null, a: { address: string; family: number }[]) => void) =>
      cb(null, [
        { address: '93.184.215.14', family: 4 },
        { address: '::ffff:169.254.169.254', family: 6 },
      ])) as unknown as typeof dns.lookup;
    const err = await refusal('http://rebind.example/data.csv', { resolve: resolver });
    expect(err.message).toBe('Refused to connect to "rebind.example": 169.254.169.254 is a link-local (cloud metadata lives here) address');
  });

  it('refuses redirects to refused addresses, and too many redirects', async () => {
    for (const to of ['http://169.254.169.254/latest/meta-data/', 'http://[::ffff:10.0.0.1]/', 'http://2130706434/', 'http://localhost/']) {
      const err = await refusal(`${base}/?to=${encodeURIComponent(to)}`, { allow: loopback });
      expect(err, to).toBeInstanceOf(UrlRefusedError);
    }
    // Allowing 127.0.0.1 does not allow the rest of the loopback range (2130706434 is 127.0.0.2).
    expect((await refusal(`${base}/?to=${encodeURIComponent('http://127.0.0.2/')}`, { allow: loopback })).message).toBe(
      'Refused to fetch http://127.0.0.2: 127.0.0.2 is a loopback address',
    );
    expect((await refusal(`${base}/loop`, { allow: loopback, maxRedirects: 3 })).message).toBe(`${base}/loop redirects more than 3 times`);
    expect((await refusal(`${base}/big.csv`, { allow: loopback })).message).toMatch(/is 52428800 bytes, more than the limit of 1048576/);
  });
});

describe('ingest.url: fetching', () => {
  it('fetches from a local server the allow-list lets through, following a redirect, and reads it as an upload would', async () => {
    const res = await fetchUrl(`${base}/?to=${encodeURIComponent('/people.csv')}`, { allow: loopback, maxBytes: 1024 ** 2 });
    expect(res.url.pathname).toBe('/people.csv');
    expect(res.contentType).toBe('text/csv; charset=utf-8');
    const dir = await tempDir('url');
    const file = `${dir}/people.csv`;
    const { createWriteStream } = await import('node:fs');
    const { pipeline } = await import('node:stream/promises');
    await pipeline(res.body, createWriteStream(file));
    expect(await describeDatasetFile(file, 'csv')).toEqual({
      rows: 2,
      columns: [
        { name: 'name', type: 'VARCHAR' },
        { name: 'body mass (g)', type: 'BIGINT' },
      ],
    });
  });

  it('has sensible defaults and refuses what is not an http(s) URL or a dataset name', () => {
    expect(definition.params.parse({ url: 'https://example.com/a.csv', dataset: 'a' })).toEqual({
      url: 'https://example.com/a.csv',
      dataset: 'a',
      format: 'auto',
      maxMegabytes: 512,
      maxRedirects: 5,
    });
    expect(definition.params.safeParse({ url: 'file:///etc/passwd', dataset: 'a' }).success).toBe(false);
    // At design time the columns are those of the newest version registered under the name, if any.
    const params = definition.params.parse({ url: 'https://example.com/a.csv', dataset: 'rain' });
    const columns = [{ name: 'city', type: 'VARCHAR' }];
    expect(definition.outputSchema!({ params, inputs: {}, dataset: () => ({ version: 2, columns }) })).toEqual({ table: columns });
    expect(definition.outputSchema!({ params, inputs: {}, dataset: () => 'missing' })).toEqual({});
    expect(definition.params.safeParse({ url: 'https://example.com/a.csv', dataset: 'Bad Name' }).success).toBe(false);
  });
});
