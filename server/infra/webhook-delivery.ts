import http from 'node:http';
import https from 'node:https';
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { webhookDeliveries, webhooks } from '../../db/schema';
import { config } from './config';
import { openSecret } from './secret-box';
import { checkUrl, guardedLookup, parseNetwork, type Network } from './url-fetch';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-secrets';

// Delivers the webhook outbox (webhook_deliveries): due rows are claimed one at a time with
// FOR UPDATE SKIP LOCKED, so several workers share the work and a worker that dies mid-POST leaves its
// row to the next. A failed attempt is retried with exponential backoff until the attempts run out.
// Targets are user-supplied URLs: the URL ingest's guard refuses loopback, private and metadata
// addresses (checked again at connect time) unless allow-listed.

export interface DeliverySettings {
  maxAttempts: number;
  /** Wait after the first failure; doubles after each further one, up to maxDelaySeconds. */
  retrySeconds: number;
  maxDelaySeconds: number;
  timeoutMs: number;
  allow: Network[];
}

export function deliverySettings(env: NodeJS.ProcessEnv = process.env): DeliverySettings {
  const num = (name: string, fallback: number, min: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number of at least ${min}, not "${raw}"`);
    return n;
  };
  const networks = env.MILLRACE_WEBHOOK_ALLOW_NETWORKS ?? config().ingestAllowNetworks.join(',');
  return {
    maxAttempts: Math.floor(num('MILLRACE_WEBHOOK_MAX_ATTEMPTS', 8, 1)),
    retrySeconds: num('MILLRACE_WEBHOOK_RETRY_SECONDS', 2, 0.1),
    maxDelaySeconds: 600,
    timeoutMs: 10_000,
    allow: networks.split(',').map((n) => n.trim()).filter(Boolean).map(parseNetwork),
  };
}

/** Seconds to wait after the `attempts`-th failed attempt. */
export function retryDelaySeconds(attempts: number, s: Pick<DeliverySettings, 'retrySeconds' | 'maxDelaySeconds'>): number {
  return Math.min(s.retrySeconds * 2 ** Math.max(0, attempts - 1), s.maxDelaySeconds);
}

export class WebhookAttemptError extends Error {
  constructor(
    message: string,
    readonly statusCode?: number,
    /** Retrying cannot help (a refused address): the delivery fails at once. */
    readonly permanent = false,
  ) {
    super(message);
    this.name = 'WebhookAttemptError';
  }
}

/** POSTs JSON to a user-supplied URL through the SSRF guard; resolves with the status code on 2xx, throws otherwise. */
export async function postWebhook(
  rawUrl: string,
  payload: unknown,
  s: Pick<DeliverySettings, 'allow' | 'timeoutMs'>,
  /** Signs the body (X-Millrace-Signature) when the webhook has a signing secret. */
  signingSecret?: string,
): Promise<number> {
  let url: URL;
  try {
    url = checkUrl(rawUrl, s.allow);
  } catch (err) {
    throw new WebhookAttemptError((err as Error).message.replace(/^Refused to fetch/, 'Refused to send to'), undefined, true);
  }
  const lookup = guardedLookup(s.allow);
  const body = Buffer.from(JSON.stringify(payload));
  const lib = url.protocol === 'https:' ? https : http;
  const agent = new lib.Agent({ lookup });
  return new Promise<number>((resolve, reject) => {
    const req = lib.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': String(body.length),
          'user-agent': 'Millrace-Webhook',
          ...(signingSecret ? { [SIGNATURE_HEADER]: signatureHeader(signingSecret, body) } : {}),
        },
      },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        // Redirects are not followed: a webhook URL should name the receiver itself.
        if (code >= 200 && code < 300) resolve(code);
        else reject(new WebhookAttemptError(`${url.origin} answered HTTP ${code}${res.statusMessage ? ` ${res.statusMessage}` : ''}`, code));
      },
    );
    req.setTimeout(s.timeoutMs, () => req.destroy(new WebhookAttemptError(`${url.origin} did not answer within ${Math.round(s.timeoutMs / 1000)} s`)));
    req.on('error', (err) => reject(err instanceof WebhookAttemptError ? err : new WebhookAttemptError(err.message)));
    req.end(body);
  }).finally(() => agent.destroy());
}

/** Claims and attempts one due delivery; false when none was due. */
export async function deliverOne(s: DeliverySettings): Promise<boolean> {
  return getDb().transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextAttemptAt, sql`now()`)))
      .orderBy(asc(webhookDeliveries.nextAttemptAt))
      .limit(1)
      .for('update', { skipLocked: true });
    if (!row) return false;
    const attempts = row.attempts + 1;
    try {
      const target = await deliveryTarget(tx, row.webhookId);
      const code = await postWebhook(target.url, row.payload, s, target.signingSecret);
      await tx
        .update(webhookDeliveries)
        .set({ status: 'delivered', attempts, lastStatusCode: code, lastError: null, deliveredAt: sql`now()` })
        .where(eq(webhookDeliveries.id, row.id));
    } catch (err) {
      const last = attempts >= s.maxAttempts || (err instanceof WebhookAttemptError && err.permanent);
      await tx
        .update(webhookDeliveries)
        .set({
          status: last ? 'failed' : 'pending',
          attempts,
          lastStatusCode: err instanceof WebhookAttemptError ? (err.statusCode ?? null) : null,
          lastError: (err as Error).message.slice(0, 1000),
          nextAttemptAt: sql`now() + make_interval(secs => ${retryDelaySeconds(attempts, s)})`,
        })
        .where(eq(webhookDeliveries.id, row.id));
    }
    return true;
  });
}

type Tx = Parameters<Parameters<ReturnType<typeof getDb>['transaction']>[0]>[0];

/**
 * The full URL and signing secret of a delivery's webhook, unsealed just for the attempt: the delivery row
 * keeps the display form only. A row from before URLs were sealed still holds its plain URL.
 */
async function deliveryTarget(tx: Tx, webhookId: string | null): Promise<{ url: string; signingSecret?: string }> {
  const [hook] = webhookId
    ? await tx
        .select({ url: webhooks.url, urlCiphertext: webhooks.urlCiphertext, signingSecretCiphertext: webhooks.signingSecretCiphertext })
        .from(webhooks)
        .where(eq(webhooks.id, webhookId))
    : [];
  if (!hook) throw new WebhookAttemptError('The webhook was deleted', undefined, true);
  try {
    return {
      url: hook.urlCiphertext ? openSecret(hook.urlCiphertext) : hook.url,
      signingSecret: hook.signingSecretCiphertext ? openSecret(hook.signingSecretCiphertext) : undefined,
    };
  } catch (err) {
    // A wrong key is the operator's to fix; retrying with backoff gives them time to restore keys.json.
    throw new WebhookAttemptError((err as Error).message);
  }
}

/** Polls the outbox until stopped; returns the stop function. */
export function startWebhookDelivery(opts: { intervalMs?: number; log?: (line: string) => void } = {}): () => Promise<void> {
  const settings = deliverySettings();
  const log = opts.log ?? ((line: string) => console.warn(line));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      while (!stopped && (await deliverOne(settings)));
    } catch (err) {
      // Postgres away: try again on the next tick.
      log(`webhooks: delivery paused: ${(err as Error).message}`);
    }
    if (!stopped) timer = setTimeout(() => (current = tick()), opts.intervalMs ?? 1000);
  };
  current = tick();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await current;
  };
}
