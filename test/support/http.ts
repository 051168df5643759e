import { inject } from 'vitest';
import { anonymousFetch } from './auth-fetch';

export type Caller = 'viewer' | 'editor' | 'deployer' | 'admin' | 'anonymous';

/** The headers that make a request come from `as`: that role's API token, or nothing for `anonymous`. */
export function credentials(as: Caller = 'admin'): Record<string, string> {
  return as === 'anonymous' ? {} : { authorization: `Bearer ${inject('tokens')[as]}` };
}

/**
 * JSON request against the test stack's web app, as the test admin unless `opts.as` says otherwise
 * (headers that carry their own Authorization or Cookie win).
 */
export async function http<T = any>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  opts: { as?: Caller } = {},
) {
  const own = Object.keys(headers).some((name) => /^(authorization|cookie)$/i.test(name));
  const init: RequestInit = { method, headers: { ...(own ? {} : credentials(opts.as)), ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  // The headers above are the whole credential: no token is added on the way.
  const res = await anonymousFetch(`${inject('baseUrl')}${path}`, init);
  const text = await res.text();
  let data: any = text;
  try {
    data = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, data: data as T, headers: res.headers };
}

export const TERMINAL = ['succeeded', 'failed', 'cancelled'];

/** Polls a run until it finishes; calls onPoll with each view. */
export async function waitForRun(runId: string, opts: { timeoutMs?: number; onPoll?: (run: any) => void | Promise<void> } = {}) {
  const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
  for (;;) {
    const { status, data } = await http('GET', `/api/v1/runs/${runId}`);
    if (status !== 200) throw new Error(`GET run ${runId}: ${status} ${JSON.stringify(data)}`);
    await opts.onPoll?.(data);
    if (TERMINAL.includes(data.status)) return data;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not finish: ${JSON.stringify(data)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export function step(run: any, nodeId: string) {
  const s = run.steps.find((x: any) => x.nodeId === nodeId);
  if (!s) throw new Error(`no step ${nodeId} in ${JSON.stringify(run)}`);
  return s;
}
