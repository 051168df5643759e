import nodeHttp from 'node:http';
import { randomInt, randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { credentials } from '../support/http';

// Each test sends from a loopback address of its own (127.x.y.z; the web app listens on 127.0.0.1 and sees the
// connection's source address), so exhausting a limit here never throttles another test file, and the
// limits are shown to be per address. The stack's limits come from global-setup (`rateLimits`).

const limits = () => inject('rateLimits');
const agents = new Map<string, nodeHttp.Agent>();

function ownAddress(): string {
  return `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

interface Answer {
  status: number;
  headers: nodeHttp.IncomingHttpHeaders;
  body: any;
}

function fromAddress(address: string, method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const base = new URL(inject('baseUrl'));
  const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
  let agent = agents.get(address);
  if (!agent) agents.set(address, (agent = new nodeHttp.Agent({ keepAlive: true, localAddress: address })));
  return new Promise((resolve, reject) => {
    const req = nodeHttp.request(
      {
        host: '127.0.0.1',
        port: Number(base.port),
        method,
        path,
        agent,
        headers: {
          host: base.host,
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // keep the text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Sends until the first 429 (at most the limit and half as many again, since buckets refill as the test runs):
 * the answers before it, and the refusal.
 */
async function untilLimited(limit: number, send: (i: number) => Promise<Answer>): Promise<{ before: Answer[]; refused: Answer }> {
  const before: Answer[] = [];
  for (let i = 0; i < limit + Math.max(5, Math.ceil(limit / 2)); i++) {
    const res = await send(i);
    if (res.status === 429) return { before, refused: res };
    before.push(res);
  }
  throw new Error(`no 429 after ${before.length} requests (limit ${limit}); last answer ${before.at(-1)?.status}`);
}

/** A 429 the way every limit answers it: JSON with a message and Retry-After in whole seconds, at least 1. */
function expectLimited(res: Answer, message: RegExp): void {
  expect(res.status, JSON.stringify(res.body)).toBe(429);
  expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
  expect(res.body.error ?? res.body.message).toMatch(message);
}

describe('rate limits', () => {
  it('refuses an address after MILLRACE_RATE_TOKEN_FAILURES bad bearer tokens a minute, whatever client address it claims', async () => {
    const address = ownAddress();
    // A different made-up x-millrace-client-ip each time: the web server replaces it with the real address.
    const { before, refused } = await untilLimited(limits().tokenFailures, (i) =>
      fromAddress(address, 'GET', '/api/v1/catalog', { headers: { authorization: `Bearer mrt_guess${i}`, 'x-millrace-client-ip': `10.1.${i % 250}.1` } }),
    );
    expect(before.length).toBeGreaterThanOrEqual(limits().tokenFailures);
    expect(before.map((r) => r.status).filter((s) => s !== 401)).toEqual([]);
    expectLimited(refused, /invalid token/);
    // Even a good token waits at that address (the guesser may have found one); tRPC answers alike.
    expect((await fromAddress(address, 'GET', '/api/v1/catalog', { headers: credentials('viewer') })).status).toBe(429);
    const trpc = await fromAddress(address, 'GET', '/api/trpc/catalog.manifest', { headers: { authorization: 'Bearer mrt_guess-trpc' } });
    expect(trpc.status).toBe(429);
    // Other addresses are not affected.
    expect((await fromAddress(ownAddress(), 'GET', '/api/v1/catalog', { headers: credentials('viewer') })).status).toBe(200);
  });

  it('counts wrong webhook trigger tokens like bad bearer tokens', async () => {
    const address = ownAddress();
    const hook = `/api/v1/hooks/${randomUUID()}`;
    const { before, refused } = await untilLimited(limits().tokenFailures, (i) =>
      fromAddress(address, 'POST', hook, { body: {}, headers: { 'x-millrace-token': `wrong-${i}` } }),
    );
    expect(before.length).toBeGreaterThanOrEqual(limits().tokenFailures);
    expect(before.map((r) => r.status).filter((s) => s !== 401)).toEqual([]);
    expectLimited(refused, /invalid token/);
  });

  it('limits set-up posts per address (MILLRACE_RATE_SETUP)', async () => {
    const address = ownAddress();
    const form = { token: 'not-the-set-up-token', name: 'Guess', email: 'guess@test.local', password: 'a-long-enough-password' };
    const { before, refused } = await untilLimited(limits().setup, () => fromAddress(address, 'POST', '/api/v1/setup', { body: form }));
    expect(before.length).toBeGreaterThanOrEqual(limits().setup);
    expect(before.map((r) => r.status).filter((s) => s !== 410)).toEqual([]);
    expectLimited(refused, /set-up attempts/);
  });

  it('limits sign-in attempts per address (MILLRACE_RATE_SIGNIN) and maps better-auth\'s wait to Retry-After', async () => {
    const address = ownAddress();
    const attempt = () => fromAddress(address, 'POST', '/api/auth/sign-in/email', { body: { email: 'admin@test.local', password: 'not-the-password-at-all' } });
    const { before, refused } = await untilLimited(limits().signIn, attempt);
    expect(before.length).toBeGreaterThanOrEqual(limits().signIn);
    expect(before.map((r) => r.status).filter((s) => s !== 401)).toEqual([]);
    expect(refused.headers['retry-after']).toMatch(/^[1-9]\d*$/);
  });

  it('limits predictions per token, else per address, on the web server\'s fast path (MILLRACE_RATE_PREDICT)', async () => {
    const address = ownAddress();
    const path = '/api/v1/endpoints/no-such-endpoint/predict';
    const rows = { rows: [{ x: 1 }] };
    const { before, refused } = await untilLimited(limits().predict, () => fromAddress(address, 'POST', path, { body: rows }));
    expect(before.length).toBeGreaterThanOrEqual(limits().predict);
    expectLimited(refused, /prediction requests/);
    // With a token the bucket is the token's, not the address's.
    expect((await fromAddress(address, 'POST', path, { body: rows, headers: credentials('viewer') })).status).not.toBe(429);
  });
});
