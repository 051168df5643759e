import { createHmac, randomBytes } from 'node:crypto';
import { eq, isNull, notLike } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Db } from '../../db/client';
import * as schema from '../../db/schema';
import { webhookDeliveries, webhooks } from '../../db/schema';
import { seal, type SecretKey } from './secret-box';

// A webhook URL is often a credential by itself (Slack, Teams and Discord put the secret in the path), so
// only its display form is stored in the clear and shown; the full URL is sealed. An optional signing
// secret lets receivers check that a delivery came from this Millrace.

/** What lists and logs show of a webhook URL: scheme, host and port; the rest elided. */
export function webhookDisplayUrl(raw: string | URL): string {
  const url = typeof raw === 'string' ? new URL(raw) : raw;
  const hidden = url.pathname.replace(/\/+$/, '') !== '' || url.search !== '' || url.hash !== '';
  return `${url.origin}/${hidden ? '…' : ''}`;
}

/** A new signing secret, shown once to the person who creates the webhook. */
export function newSigningSecret(): string {
  return `mrwhsec_${randomBytes(32).toString('base64url')}`;
}

export const SIGNATURE_HEADER = 'x-millrace-signature';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the receiver recomputes it with the secret and
 * refuses old timestamps, so a captured delivery cannot be replayed later.
 */
export function signatureHeader(secret: string, body: Buffer | string, unixSeconds = Math.floor(Date.now() / 1000)): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.`).update(body).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * Seals the URLs of webhooks saved before URLs were encrypted, and cuts their delivery log down to the
 * display form. Idempotent; run by the launcher after migrations (it needs the key, so it is not SQL).
 */
export async function sealLegacyWebhookUrls(db: Db, key: SecretKey): Promise<number> {
  return db.transaction(async (tx) => {
    const legacy = await tx.select({ id: webhooks.id, url: webhooks.url }).from(webhooks).where(isNull(webhooks.urlCiphertext)).for('update');
    for (const row of legacy) {
      const display = safeDisplay(row.url);
      await tx.update(webhooks).set({ url: display, urlCiphertext: seal(row.url, key) }).where(eq(webhooks.id, row.id));
    }
    // Delivery rows copied the full URL, also those of webhooks deleted since.
    const deliveries = await tx
      .select({ id: webhookDeliveries.id, url: webhookDeliveries.url })
      .from(webhookDeliveries)
      .where(notLike(webhookDeliveries.url, '%/…'));
    for (const row of deliveries) {
      const display = safeDisplay(row.url);
      if (display !== row.url) await tx.update(webhookDeliveries).set({ url: display }).where(eq(webhookDeliveries.id, row.id));
    }
    return legacy.length;
  });
}

function safeDisplay(raw: string): string {
  try {
    return webhookDisplayUrl(raw);
  } catch {
    return '(not a URL)';
  }
}

/** As `sealLegacyWebhookUrls`, on its own connection (the launcher has no pool of its own). */
export async function sealLegacyWebhookUrlsAt(databaseUrl: string, key: SecretKey): Promise<number> {
  const client = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    return await sealLegacyWebhookUrls(drizzle(client, { schema }), key);
  } finally {
    await client.end({ timeout: 5 });
  }
}
