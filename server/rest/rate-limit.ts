import { createHash } from 'node:crypto';
import { CLIENT_IP_HEADER } from '../auth/client-ip';
import { config } from '../infra/config';
import { HttpError } from './http';

// Rate limits of the web process: one token bucket per key (an address, a token), in memory. A bucket holds
// `perMinute` requests and refills continuously, so a burst up to the limit passes and then one request per
// 60/perMinute seconds. One web process serves the app, so memory is enough; kept on globalThis because the
// Next.js bundle and the web server's own predict path load this module separately.

export type LimitName = 'setup' | 'tokenFailures' | 'tokenCreate' | 'predict';

/** A refusal: 429 with `Retry-After` in whole seconds (at least 1). */
export class RateLimitedError extends HttpError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, message, { 'retry-after': String(retryAfterSeconds) });
    this.name = 'RateLimitedError';
  }
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets of one limit. `perMinute` 0 means no limit. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perMinute: () => number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  private bucket(key: string, limit: number): Bucket {
    const now = this.now();
    const b = this.buckets.get(key);
    if (!b) return { tokens: limit, at: now };
    const refilled = Math.min(limit, b.tokens + ((now - b.at) / 60_000) * limit);
    return { tokens: refilled, at: now };
  }

  private waitSeconds(b: Bucket, limit: number): number {
    // Rounded down by a hair first, so float error does not turn 20 s into 21.
    return Math.max(1, Math.ceil(((1 - b.tokens) * 60) / limit - 1e-9));
  }

  /** Seconds to wait if `key` has nothing left, else null; takes nothing. */
  peek(key: string): number | null {
    const limit = this.perMinute();
    if (limit <= 0) return null;
    const b = this.bucket(key, limit);
    return b.tokens >= 1 ? null : this.waitSeconds(b, limit);
  }

  /** Takes one request from `key`'s bucket: null when it may go on, else seconds to wait (nothing taken). */
  take(key: string): number | null {
    const limit = this.perMinute();
    if (limit <= 0) return null;
    const b = this.bucket(key, limit);
    if (b.tokens < 1) {
      this.buckets.set(key, b);
      return this.waitSeconds(b, limit);
    }
    b.tokens -= 1;
    this.buckets.set(key, b);
    if (this.buckets.size > 10_000) this.prune(limit);
    return null;
  }

  /** Forgets buckets that are full again (they behave as new ones), so memory follows the active keys. */
  private prune(limit: number): void {
    for (const [key] of this.buckets) {
      if (this.bucket(key, limit).tokens >= limit) this.buckets.delete(key);
    }
  }
}

const globalForLimits = globalThis as unknown as { __millraceRateLimits?: Record<LimitName, RateLimiter> };

/** The process's limiters, sized by MILLRACE_RATE_* (config.ts). */
export function rateLimiter(name: LimitName): RateLimiter {
  globalForLimits.__millraceRateLimits ??= {
    setup: new RateLimiter(() => config().rateLimits.setup),
    tokenFailures: new RateLimiter(() => config().rateLimits.tokenFailures),
    tokenCreate: new RateLimiter(() => config().rateLimits.tokenCreate),
    predict: new RateLimiter(() => config().rateLimits.predict),
  };
  return globalForLimits.__millraceRateLimits[name];
}

/** The caller's address as the web server saw it ('unknown' where nothing set it, e.g. `next dev`). */
export function clientIp(headers: { get(name: string): string | null }): string {
  return headers.get(CLIENT_IP_HEADER) || 'unknown';
}

const MESSAGES: Record<LimitName, string> = {
  setup: 'Too many set-up attempts from this address',
  tokenFailures: 'Too many requests with an invalid token from this address',
  tokenCreate: 'Too many new tokens from this account or token',
  predict: 'Too many prediction requests for this token or address',
};

function refusal(name: LimitName, wait: number): RateLimitedError {
  return new RateLimitedError(`${MESSAGES[name]}; try again in ${wait} s.`, wait);
}

/** Counts one request against `name` for `key`; throws RateLimitedError (429) when the bucket is empty. */
export function takeOrRefuse(name: LimitName, key: string): void {
  const wait = rateLimiter(name).take(key);
  if (wait !== null) throw refusal(name, wait);
}

/** Throws RateLimitedError when `key` has used up `name` (failures are counted with `countFailure`). */
export function refuseIfExhausted(name: LimitName, key: string): void {
  const wait = rateLimiter(name).peek(key);
  if (wait !== null) throw refusal(name, wait);
}

export function countFailure(name: LimitName, key: string): void {
  rateLimiter(name).take(key);
}

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * One predict request against MILLRACE_RATE_PREDICT: per presented token (hashed; a made-up token fails its
 * access check and counts as a token failure), else per address. Both predict paths call this first.
 */
export function limitPredict(headers: { get(name: string): string | null }): void {
  const bearer = BEARER.exec(headers.get('authorization') ?? '');
  const key = bearer ? `token:${createHash('sha256').update(bearer[1]!).digest('hex').slice(0, 32)}` : `ip:${clientIp(headers)}`;
  takeOrRefuse('predict', key);
}
