import { describe, expect, it, vi } from 'vitest';
import { RateLimitedError, RateLimiter, limitPredict, rateLimiter } from '../../server/rest/rate-limit';
import { errorAnswer } from '../../server/rest/http';
import { config } from '../../server/infra/config';

// The configured limit and port: in a full test run the stack's MILLRACE_RATE_* and PORT are in the environment.
const predictLimit = () => config().rateLimits.predict;

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('rate limiter', () => {
  it('lets a burst up to the limit through, then asks to wait at least a whole second', () => {
    const c = clock();
    const limiter = new RateLimiter(() => 3, c.now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([null, null, null]);
    expect(limiter.take('a')).toBe(20); // 60 s / 3 per minute
    // Another key has its own bucket.
    expect(limiter.take('b')).toBeNull();
  });

  it('refills continuously: one request per 60/limit seconds', () => {
    const c = clock();
    const limiter = new RateLimiter(() => 2, c.now);
    limiter.take('a');
    limiter.take('a');
    expect(limiter.take('a')).toBe(30);
    c.advance(10_000);
    expect(limiter.take('a')).toBe(20);
    c.advance(20_000);
    expect(limiter.take('a')).toBeNull();
    expect(limiter.take('a')).toBe(30);
  });

  it('never answers less than 1 second, even for a high limit', () => {
    const c = clock();
    const limiter = new RateLimiter(() => 600, c.now);
    for (let i = 0; i < 600; i++) expect(limiter.take('a')).toBeNull();
    expect(limiter.take('a')).toBe(1);
  });

  it('peek counts nothing; 0 per minute is no limit', () => {
    const c = clock();
    const limiter = new RateLimiter(() => 1, c.now);
    expect(limiter.peek('a')).toBeNull();
    expect(limiter.peek('a')).toBeNull();
    limiter.take('a');
    expect(limiter.peek('a')).toBe(60);
    const off = new RateLimiter(() => 0, c.now);
    for (let i = 0; i < 1000; i++) expect(off.take('a')).toBeNull();
  });

  it('answers 429 JSON with Retry-After through the REST error path', async () => {
    const res = errorAnswer(new RateLimitedError('Too many', 7), 'req');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await res.json()).toEqual({ error: 'Too many' });
  });

  it('limits predict per token, else per address (MILLRACE_RATE_PREDICT, default 6000)', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const limiter = rateLimiter('predict');
    const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n] ?? null });
    const byToken = headers({ authorization: 'Bearer mrt_unit-test-token', 'x-millrace-client-ip': '10.0.0.1' });
    for (let i = 0; i < predictLimit(); i++) limitPredict(byToken);
    expect(() => limitPredict(byToken)).toThrow(RateLimitedError);
    // The same address without that token, and another token, are not affected.
    expect(() => limitPredict(headers({ 'x-millrace-client-ip': '10.0.0.1' }))).not.toThrow();
    expect(() => limitPredict(headers({ authorization: 'Bearer mrt_other', 'x-millrace-client-ip': '10.0.0.1' }))).not.toThrow();
    expect(limiter.peek('ip:10.0.0.2')).toBeNull();
    vi.useRealTimers();
  });
});

describe('predict through the Next.js route', () => {
  it('answers 429 with Retry-After before reading the body once the address has used its minute', async () => {
    const { answerPredict } = await import('../../server/rest/predict-request');
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const ip = '10.9.8.7';
      for (let i = 0; i < predictLimit(); i++) rateLimiter('predict').take(`ip:${ip}`);
      const host = `localhost:${config().port}`;
      const req = new Request(`http://${host}/api/v1/endpoints/any/predict`, {
        method: 'POST',
        headers: { host, 'content-type': 'application/json', 'x-millrace-client-ip': ip },
        body: '{"rows":[{"x":1}]}',
      });
      const res = await answerPredict(req, 'any');
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('1');
      expect((await res.json()).error).toMatch(/Too many prediction requests/);
      expect(req.bodyUsed).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
