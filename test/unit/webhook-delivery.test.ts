import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookPayload } from '../../server/infra/notifications';
import { parseNetwork } from '../../server/infra/url-fetch';
import { postWebhook, retryDelaySeconds } from '../../server/infra/webhook-delivery';

let server: http.Server;
let base: string;
const received: { body: string; contentType?: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ body, contentType: req.headers['content-type'] });
      if (req.url === '/fail') res.writeHead(500).end('no');
      else if (req.url === '/moved') res.writeHead(302, { location: '/ok' }).end();
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const allow = [parseNetwork('127.0.0.1')];

describe('webhook delivery', () => {
  it('POSTs JSON to an allow-listed receiver and answers its status code', async () => {
    await expect(postWebhook(`${base}/ok`, { text: 'hello' }, { allow, timeoutMs: 5000 })).resolves.toBe(204);
    expect(received.at(-1)).toEqual({ body: '{"text":"hello"}', contentType: 'application/json' });
  });

  it('fails an attempt on a non-2xx answer, with the status code, and does not follow redirects', async () => {
    await expect(postWebhook(`${base}/fail`, {}, { allow, timeoutMs: 5000 })).rejects.toMatchObject({ statusCode: 500, message: expect.stringMatching(/answered HTTP 500/) });
    await expect(postWebhook(`${base}/moved`, {}, { allow, timeoutMs: 5000 })).rejects.toMatchObject({ statusCode: 302 });
  });

  it('refuses loopback, private and metadata addresses unless allow-listed', async () => {
    const count = received.length;
    await expect(postWebhook(`${base}/ok`, {}, { allow: [], timeoutMs: 5000 })).rejects.toThrow(/loopback/);
    await expect(postWebhook('http://169.254.169.254/latest', {}, { allow, timeoutMs: 5000 })).rejects.toThrow(/link-local/);
    await expect(postWebhook('http://localhost:1/', {}, { allow, timeoutMs: 5000 })).rejects.toThrow(/names this machine/);
    await expect(postWebhook('file:///etc/passwd', {}, { allow, timeoutMs: 5000 })).rejects.toThrow(/Only http and https/);
    expect(received.length).toBe(count);
  });

  it('backs off exponentially up to a ceiling', () => {
    const s = { retrySeconds: 2, maxDelaySeconds: 600 };
    expect([1, 2, 3, 4].map((a) => retryDelaySeconds(a, s))).toEqual([2, 4, 8, 16]);
    expect(retryDelaySeconds(20, s)).toBe(600);
  });

  it('sends Slack-compatible text and blocks with Millrace fields', () => {
    const p = webhookPayload({
      id: 'n1',
      event: 'run.failed',
      title: 'Run of penguins failed',
      message: 'One or more steps failed',
      pipeline: 'penguins',
      version: 2,
      runId: 'r1',
      runStatus: 'failed',
      createdAt: new Date('2026-01-01T00:00:00Z'),
    });
    expect(p.text).toBe(':x: Run of penguins failed: One or more steps failed');
    expect(p.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: p.text } }]);
    expect(p.millrace).toMatchObject({ event: 'run.failed', pipeline: 'penguins', version: 2, runId: 'r1', runStatus: 'failed', url: '/runs/r1' });
  });
});
