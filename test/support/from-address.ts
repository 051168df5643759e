import http from 'node:http';
import { inject } from 'vitest';

// Requests to the test stack from another loopback address (127.0.0.x): the web server takes the client's
// address from the socket, so each address has its own sign-in rate-limit bucket, and a test that
// exhausts one does not lock the other tests out.

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
  /** `name=value` of every cookie the answer sets. */
  cookies: string[];
}

export function requestFrom(
  localAddress: string,
  method: string,
  path: string,
  opts: { body?: unknown; cookie?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const base = new URL(inject('baseUrl'));
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = { host: base.host, ...opts.headers };
  if (body !== undefined) headers['content-type'] = 'application/json';
  // better-auth wants the page's Origin on a POST that carries a session cookie, as a browser sends it.
  if (opts.cookie) Object.assign(headers, { cookie: opts.cookie, ...(method === 'POST' ? { origin: base.origin } : {}) });
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: base.hostname === 'localhost' ? '127.0.0.1' : base.hostname, port: base.port, path, method, headers, localAddress },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: any = null;
          try {
            json = JSON.parse(text);
          } catch {
            // not JSON
          }
          const cookies = (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]!);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, cookies });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The session cookie among an answer's cookies, as a Cookie header value. */
export function sessionCookie(answer: Answer): string {
  const cookie = answer.cookies.find((c) => c.includes('session_token=') && !c.endsWith('='));
  if (!cookie) throw new Error(`No session cookie in the answer (${answer.status} ${answer.text})`);
  return cookie;
}
