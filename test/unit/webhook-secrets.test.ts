import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNetwork } from '../../server/infra/url-fetch';
import { postWebhook } from '../../server/infra/webhook-delivery';
import { newSigningSecret, signatureHeader, webhookDisplayUrl } from '../../server/infra/webhook-secrets';

let server: http.Server;
let base: string;
const received: { body: string; signature?: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ body, signature: req.headers['x-millrace-signature'] as string | undefined });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('webhook display form', () => {
  it('keeps scheme, host and port and hides path, query and user info', () => {
    expect(webhookDisplayUrl('https://hooks.slack.com/services/T0/B0/XyZsecret')).toBe('https://hooks.slack.com/…');
    expect(webhookDisplayUrl('https://example.org:8443/?token=secret')).toBe('https://example.org:8443/…');
    expect(webhookDisplayUrl('https://user:pw@example.org/')).toBe('https://example.org/');
    expect(webhookDisplayUrl('http://example.org')).toBe('http://example.org/');
  });
});

describe('signed deliveries', () => {
  it('carry t=<seconds>,v1=<HMAC-SHA256 of "t.body"> that the receiver can recompute with the secret', async () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^mrwhsec_[A-Za-z0-9_-]{43}$/);
    await postWebhook(`${base}/hook`, { text: 'signed' }, { allow: [parseNetwork('127.0.0.1')], timeoutMs: 5000 }, secret);
    const got = received.at(-1)!;
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(got.signature ?? '');
    expect(m, got.signature).not.toBeNull();
    const expected = createHmac('sha256', secret).update(`${m![1]}.${got.body}`).digest('hex');
    expect(m![2]).toBe(expected);
    // Another secret, or another body, gives another signature.
    expect(signatureHeader('other', got.body, Number(m![1]))).not.toBe(got.signature);
    expect(signatureHeader(secret, `${got.body} `, Number(m![1]))).not.toBe(got.signature);
  });

  it('are unsigned without a secret', async () => {
    await postWebhook(`${base}/hook`, { text: 'plain' }, { allow: [parseNetwork('127.0.0.1')], timeoutMs: 5000 });
    expect(received.at(-1)!.signature).toBeUndefined();
  });
});
