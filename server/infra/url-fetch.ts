import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ServiceError } from './errors';

// Fetching a URL given in a pipeline on behalf of its author, without letting it reach what only the
// server can reach: loopback, private, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT,
// multicast and every other non-global range, in any spelling. Literal addresses are checked before
// connecting (the WHATWG URL parser has already turned 2130706433, 0177.0.0.1 and 0x7f.1 into 127.0.0.1);
// names are checked at connect time, by a `lookup` on the agent that validates each address the name
// resolves to, so DNS answering differently the second time (rebinding) gains nothing; every redirect
// goes through the same checks. Networks on the allow-list (MILLRACE_INGEST_ALLOW_NETWORKS) are let through.

export type Network = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses "10.0.0.0/8", "127.0.0.1" or "::1" into a network (a bare address is a network of one). */
export function parseNetwork(entry: string): Network {
  const text = entry.trim();
  if (text.includes('/')) {
    const [addr, bits] = ipaddr.parseCIDR(text);
    return [unwrap(addr), addr.kind() === 'ipv6' && unwrap(addr).kind() === 'ipv4' ? bits - 96 : bits];
  }
  const addr = unwrap(ipaddr.parse(text));
  return [addr, addr.kind() === 'ipv4' ? 32 : 128];
}

/** IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it carries. */
function unwrap(addr: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() ? (addr as ipaddr.IPv6).toIPv4Address() : addr;
}

// Names that never lead anywhere public, refused before any lookup.
const BLOCKED_NAMES = [/^localhost$/, /\.localhost$/, /^metadata\.google\.internal$/, /^metadata\.goog$/, /^instance-data(\.ec2\.internal)?$/];

/** Why an address may not be fetched from, or undefined when it may. Only global unicast addresses pass. */
export function refusedAddress(address: string, allow: Network[] = []): string | undefined {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = unwrap(ipaddr.parse(address.replace(/^\[|\]$/g, '').replace(/%.*$/, '')));
  } catch {
    return `"${address}" is not an IP address`;
  }
  if (allow.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits))) return undefined;
  const range = addr.range();
  if (range === 'unicast') return undefined;
  return `${addr.toString()} is a ${RANGE_WORDS[range] ?? range} address`;
}

const RANGE_WORDS: Record<string, string> = {
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link-local (cloud metadata lives here)',
  uniqueLocal: 'private (unique local)',
  carrierGradeNat: 'carrier-grade NAT (shared)',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  reserved: 'reserved',
  benchmarking: 'benchmarking',
  rfc6052: 'NAT64 (it embeds an IPv4 address)',
  rfc6145: 'IPv4-translated',
  '6to4': '6to4 (it embeds an IPv4 address)',
  teredo: 'Teredo (it embeds an IPv4 address)',
};

export class UrlRefusedError extends ServiceError {
  constructor(message: string) {
    super('invalid', message);
    this.name = 'UrlRefusedError';
  }
}

/** Checks a URL before connecting: scheme, credentials, blocked names and literal addresses. */
export function checkUrl(raw: string, allow: Network[] = []): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlRefusedError(`"${raw}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UrlRefusedError(`Only http and https URLs can be fetched, not ${url.protocol.replace(/:$/, '')}`);
  if (url.username || url.password) throw new UrlRefusedError('URLs with a user name or password are not fetched; the pipeline document is no place for credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  if (ipaddr.isValid(host)) {
    const why = refusedAddress(host, allow);
    if (why) throw new UrlRefusedError(`Refused to fetch ${url.origin}: ${why}`);
  } else if (BLOCKED_NAMES.some((re) => re.test(host))) {
    throw new UrlRefusedError(`Refused to fetch ${url.origin}: "${host}" names this machine or its cloud metadata service`);
  }
  return url;
}

type LookupAddress = { address: string; family: number };

/** dns.lookup that answers only with allowed addresses; a name with any refused address is refused as a whole. */
export function guardedLookup(allow: Network[], resolve: typeof dns.lookup = dns.lookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as unknown as LookupAddress[];
      const refused = list.map((a) => refusedAddress(a.address, allow)).find(Boolean);
      if (refused || list.length === 0) {
        const error = Object.assign(new UrlRefusedError(`Refused to connect to "${hostname}": ${refused ?? 'it has no address'}`), { code: 'EREFUSEDADDRESS' });
        return callback(error, '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

export interface FetchOptions {
  allow?: Network[];
  maxRedirects?: number;
  /** Refused at once when the server announces more (the caller also counts the bytes as they stream). */
  maxBytes: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** For tests: how names are resolved. */
  resolve?: typeof dns.lookup;
}

export interface FetchedResponse {
  url: URL;
  contentType: string | undefined;
  body: http.IncomingMessage;
}

/** GETs a URL through the checks above, following at most `maxRedirects` redirects; answers 2xx only. */
export async function fetchUrl(raw: string, opts: FetchOptions): Promise<FetchedResponse> {
  const allow = opts.allow ?? [];
  const lookup = guardedLookup(allow, opts.resolve);
  // Fresh agents per fetch: no pooled socket outlives the checks that opened it.
  const agents = { 'http:': new http.Agent({ lookup }), 'https:': new https.Agent({ lookup }) };
  const maxRedirects = opts.maxRedirects ?? 5;
  let url = checkUrl(raw, allow);
  for (let hop = 0; ; hop++) {
    const res = await get(url, agents[url.protocol as 'http:' | 'https:'], opts);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      if (hop >= maxRedirects) throw new ServiceError('invalid', `${raw} redirects more than ${maxRedirects} times`);
      url = checkUrl(new URL(res.headers.location, url).toString(), allow);
      continue;
    }
    if (status < 200 || status >= 300) {
      res.resume();
      throw new ServiceError(status === 404 ? 'not_found' : 'unavailable', `${url.toString()} answered HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`);
    }
    const length = Number(res.headers['content-length']);
    if (Number.isFinite(length) && length > opts.maxBytes) {
      res.destroy();
      throw new ServiceError('too_large', `${url.toString()} is ${length} bytes, more than the limit of ${opts.maxBytes}`);
    }
    return { url, contentType: res.headers['content-type'], body: res };
  }
}

function get(url: URL, agent: http.Agent, opts: FetchOptions): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).get(url, { agent, signal: opts.signal, headers: { 'user-agent': 'Millrace', accept: '*/*' } }, resolve);
    req.setTimeout(opts.timeoutMs ?? 30_000, () => req.destroy(new ServiceError('unavailable', `${url.origin} did not answer within ${Math.round((opts.timeoutMs ?? 30_000) / 1000)} s`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof ServiceError) return reject(err);
      reject(new ServiceError('unavailable', `Could not fetch ${url.toString()}: ${err.message}`));
    });
  });
}
