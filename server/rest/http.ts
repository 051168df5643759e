import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { readTextBody } from './body';
import { config } from '../infra/config';
import { RETRY_AFTER_SECONDS, asUnavailable, unlessStuck } from '../infra/dependencies';
import { ServiceError } from '../infra/errors';
import { NoWorkspaceError } from '../infra/workspace';
import { checkRequest, refusal } from './request-guard';

// Small helpers every REST route uses: JSON answers, problem answers, bounded JSON bodies and one
// error mapping that never lets an internal message out.

export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data), { status, headers: { 'content-type': 'application/json', ...headers } });
}

export function problem(status: number, message: string, extra: Record<string, unknown> = {}): Response {
  return json({ error: message, ...extra }, status);
}

/** A refusal decided by the HTTP layer itself (wrong media type, body too large): status and message for the caller. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const STATUS: Record<ServiceError['code'], number> = {
  not_found: 404,
  invalid: 400,
  conflict: 409,
  unavailable: 503,
  unprocessable: 422,
  unsupported: 415,
  too_large: 413,
};

/**
 * Runs a handler and turns thrown errors into clear JSON answers (never an HTML 500 page). Every
 * answer carries an `x-request-id`; a 500 says only "Internal error" and that id, while the error
 * itself goes to the server console under the same id. A handler still busy after `patienceMs` while
 * Postgres or Temporal does not answer gets 503 with `Retry-After` naming it, instead of hanging
 * (`patienceMs: null` for handlers that bound their own waits, because an answer must match what they did).
 */
export async function handle(
  work: (requestId: string) => Promise<Response>,
  opts: { patienceMs?: number | null; /** The caller's own id (predict's `X-Request-Id`), already checked. */ requestId?: string } = {},
): Promise<Response> {
  const requestId = opts.requestId ?? randomUUID();
  const patienceMs = opts.patienceMs === undefined ? DEFAULT_PATIENCE_MS : opts.patienceMs;
  const res = await answer(() => (patienceMs === null ? work(requestId) : unlessStuck(work(requestId), patienceMs)), requestId);
  res.headers.set('x-request-id', requestId);
  return res;
}

/** How long a request may take before the dependencies are checked (a healthy slow request goes on). */
export const DEFAULT_PATIENCE_MS = 4000;

async function answer(work: () => Promise<Response>, requestId: string): Promise<Response> {
  try {
    return await work();
  } catch (thrown) {
    return errorAnswer(thrown, requestId);
  }
}

/** The answer for what a handler threw: its status and message, or 500 "Internal error" with the request id. */
export function errorAnswer(thrown: unknown, requestId: string): Response {
  const err = asUnavailable(thrown);
  if (err instanceof ServiceError) {
    const details = err.details && typeof err.details === 'object' ? (err.details as Record<string, unknown>) : {};
    const res = problem(STATUS[err.code], err.message, details);
    if (err.code === 'unavailable') res.headers.set('retry-after', String(details.retryAfterSeconds ?? RETRY_AFTER_SECONDS));
    return res;
  }
  if (err instanceof HttpError) return json({ error: err.message }, err.status, err.headers);
  if (err instanceof NoWorkspaceError) return json({ error: 'Sign in, or send an API token (Authorization: Bearer …)' }, 401, { 'www-authenticate': 'Bearer' });
  if (err instanceof z.ZodError) {
    return problem(400, z.prettifyError(err), { issues: err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
  }
  console.error(`[millrace] request ${requestId} failed:`, err);
  return problem(500, 'Internal error', { requestId });
}

export function parseJsonText<S extends z.ZodType>(text: string, schema: S): z.output<S> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new ServiceError('invalid', `The body is not valid JSON: ${(err as Error).message}`);
  }
  return schema.parse(body);
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 2) return `${+(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/**
 * Reads a JSON body that must be sent as `application/json` (415 otherwise) and be at most
 * `maxBytes` long: a larger Content-Length is refused before reading, and a body that streams past
 * the limit is cut off there (413). Then parses it against the schema (400 with the path).
 */
export async function readJsonBody<S extends z.ZodType>(req: Request, schema: S, opts: { maxBytes: number }): Promise<z.output<S>> {
  checkJsonContentType(req.headers.get('content-type'));
  const body = await readTextBody(req, opts.maxBytes);
  if (!body.ok) throw body.status === 413 ? bodyTooLarge(opts.maxBytes) : new ServiceError('invalid', body.message);
  return parseJsonText(body.value, schema);
}

/** 415 unless the Content-Type is application/json (in UTF-8). */
export function checkJsonContentType(contentType: string | null): void {
  const [mediaType, ...params] = (contentType ?? '').split(';').map((p) => p.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (mediaType !== 'application/json' || (charset && charset !== 'utf-8' && charset !== 'utf8')) {
    throw new HttpError(
      415,
      `Unsupported Content-Type "${contentType ?? ''}": send the body as JSON with the header "Content-Type: application/json"`,
    );
  }
}

/** 413 for a body past the limit; the rest of it is not read: closing the connection tells the sender to stop. */
export function bodyTooLarge(maxBytes: number): HttpError {
  return new HttpError(413, `The body is larger than ${formatBytes(maxBytes)}: send fewer rows per request`, { connection: 'close' });
}

export type RouteParams<T> = { params: Promise<T> };

/**
 * The request guard (server/rest/request-guard.ts) for a route the proxy does not run on; undefined
 * when the request may go ahead. See proxy.ts for why some routes are skipped there.
 */
export function refuseUnsafeRequest(req: Request): Response | undefined {
  const { port, host, allowedHosts } = config();
  const verdict = checkRequest({ method: req.method, pathname: new URL(req.url).pathname, headers: req.headers }, { port, host, allowedHosts });
  return verdict.ok ? undefined : refusal(verdict);
}
