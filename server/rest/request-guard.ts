// What the web app refuses before any route runs: requests addressed to a host it does not serve
// (DNS rebinding) and cross-site changes (a page elsewhere posting a form or a simple fetch to the API).
// Pure: proxy.ts and the routes the proxy skips call it with the request and the settings.

export interface GuardSettings {
  /** The port the web app listens on (PORT). */
  port: number;
  /** The interface it listens on (MILLRACE_HOST); a name or address here is also a Host it answers to. */
  host: string;
  /** Extra Host values (MILLRACE_ALLOWED_HOSTS): `name` (any port) or `name:port`, lower case. */
  allowedHosts: readonly string[];
}

export interface GuardedRequest {
  method: string;
  pathname: string;
  headers: { get(name: string): string | null };
}

export type GuardVerdict = { ok: true } | { ok: false; status: 403 | 415 | 421; error: string };

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);
const MUTATIONS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Content types a browser may send cross-site without a CORS preflight. */
const CORS_SAFELISTED = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);
/** The one route whose body is not JSON: it checks its own list (CSV, JSON, NDJSON, Parquet). */
const DATASET_UPLOAD = '/api/v1/datasets';

interface HostPort {
  /** Lower case; IPv6 addresses keep their brackets. */
  name: string;
  port?: number;
}

/** `name`, `name:port`, `[v6]` or `[v6]:port`; undefined when malformed. */
export function parseHost(value: string): HostPort | undefined {
  const v = value.trim().toLowerCase();
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::(\d{1,5}))?$/.exec(v);
  if (!m) return undefined;
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return { name: m[1]!, port };
}

/** MILLRACE_HOST as a Host name: IPv6 addresses get brackets; wildcards name no host. */
function bindName(host: string): string | undefined {
  const h = host.trim().toLowerCase();
  if (WILDCARDS.has(h)) return undefined;
  return h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
}

/** Whether the app serves requests addressed to this Host header value. */
export function isAllowedHost(hostHeader: string | null, settings: GuardSettings): boolean {
  const host = hostHeader ? parseHost(hostHeader) : undefined;
  if (!host) return false;
  // Loopback names and the bind address reach the app directly, so they carry its port.
  if ((LOOPBACK.has(host.name) || host.name === bindName(settings.host)) && host.port === settings.port) return true;
  // Names behind a reverse proxy may come with any port unless the entry names one.
  return settings.allowedHosts.some((entry) => {
    const allowed = parseHost(entry);
    return allowed !== undefined && allowed.name === host.name && (allowed.port === undefined || allowed.port === host.port);
  });
}

const DEFAULT_PORT: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** Whether an Origin header names the host the request was sent to (scheme aside: TLS may end at a proxy). */
function isSameOrigin(origin: string, hostHeader: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // includes the opaque origin "null"
  }
  const defaultPort = DEFAULT_PORT[url.protocol];
  const host = parseHost(hostHeader);
  if (defaultPort === undefined || !host) return false;
  const originPort = url.port ? Number(url.port) : defaultPort;
  return url.hostname.toLowerCase() === host.name && originPort === (host.port ?? defaultPort);
}

function mediaType(contentType: string | null): string | undefined {
  const v = contentType?.split(';')[0]?.trim().toLowerCase();
  return v || undefined;
}

function hasBody(headers: GuardedRequest['headers']): boolean {
  const length = headers.get('content-length');
  return headers.get('transfer-encoding') !== null || (length !== null && Number(length) > 0);
}

/** The decision for one request: every request's Host, and Origin and Content-Type of API changes. */
export function checkRequest(req: GuardedRequest, settings: GuardSettings): GuardVerdict {
  const hostHeader = req.headers.get('host');
  if (!isAllowedHost(hostHeader, settings)) {
    const name = hostHeader ? parseHost(hostHeader)?.name : undefined;
    return {
      ok: false,
      status: 421,
      error:
        `Millrace does not answer to the host "${hostHeader ?? ''}": it serves localhost:${settings.port}, ` +
        `127.0.0.1:${settings.port} and [::1]:${settings.port}. If you reach it under another name (a reverse proxy ` +
        `or another machine), add that name to MILLRACE_ALLOWED_HOSTS (comma-separated${name ? `, e.g. MILLRACE_ALLOWED_HOSTS=${name}` : ''}) and restart.`,
    };
  }
  const method = req.method.toUpperCase();
  if (!MUTATIONS.has(method) || !(req.pathname === '/api' || req.pathname.startsWith('/api/'))) return { ok: true };

  const origin = req.headers.get('origin');
  if (origin !== null && !isSameOrigin(origin, hostHeader!)) {
    return {
      ok: false,
      status: 403,
      error:
        `Cross-site request refused: a page at ${origin} may not change anything in Millrace. ` +
        `Use Millrace's own pages, or call the API from a script or the CLI (no Origin header).`,
    };
  }
  if (req.headers.get('sec-fetch-site') === 'cross-site') {
    return { ok: false, status: 403, error: 'Cross-site request refused: a page on another site may not change anything in Millrace.' };
  }

  const type = mediaType(req.headers.get('content-type'));
  const expected = req.pathname === DATASET_UPLOAD ? 'text/csv, application/json, application/x-ndjson or application/vnd.apache.parquet' : 'application/json';
  if (type !== undefined && CORS_SAFELISTED.has(type)) {
    return {
      ok: false,
      status: 415,
      error: `Content-Type ${type} is not accepted by ${method} ${req.pathname}: send ${expected}.`,
    };
  }
  if (type === undefined && hasBody(req.headers)) {
    return { ok: false, status: 415, error: `A body needs a Content-Type: ${method} ${req.pathname} takes ${expected}.` };
  }
  if (type !== undefined && req.pathname !== DATASET_UPLOAD && type !== 'application/json') {
    return { ok: false, status: 415, error: `Content-Type ${type} is not accepted by ${method} ${req.pathname}: send application/json.` };
  }
  return { ok: true };
}

/** The JSON answer for a refused request. */
export function refusal(verdict: Extract<GuardVerdict, { ok: false }>): Response {
  return new Response(JSON.stringify({ error: verdict.error }), {
    status: verdict.status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });
}
