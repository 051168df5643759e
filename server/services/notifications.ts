import { and, count, desc, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '../../db/client';
import { NOTIFICATION_EVENTS, notifications, pipelines, webhookDeliveries, webhooks } from '../../db/schema';
import { PIPELINE_NAME } from '../../workflows/core/document';
import { ServiceError, notFound } from '../infra/errors';
import { UrlRefusedError, checkUrl } from '../infra/url-fetch';
import { sealSecret } from '../infra/secret-box';
import { deliverySettings } from '../infra/webhook-delivery';
import { newSigningSecret, webhookDisplayUrl } from '../infra/webhook-secrets';
import { currentWorkspaceId } from '../infra/workspace';

// In-app notifications (the bell) and webhook configuration with its delivery log.

export async function listNotifications(opts: { limit?: number } = {}) {
  const workspaceId = currentWorkspaceId();
  const rows = await getDb()
    .select({
      id: notifications.id,
      event: notifications.event,
      title: notifications.title,
      message: notifications.message,
      runId: notifications.runId,
      nodeId: notifications.nodeId,
      readAt: notifications.readAt,
      createdAt: notifications.createdAt,
    })
    .from(notifications)
    .where(eq(notifications.workspaceId, workspaceId))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(Math.min(opts.limit ?? 100, 500));
  return rows;
}

export async function unreadNotificationCount(): Promise<number> {
  const workspaceId = currentWorkspaceId();
  const [row] = await getDb()
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.workspaceId, workspaceId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

/** Marks the given notifications read, or every unread one when no ids are given. */
export async function markNotificationsRead(ids?: string[]): Promise<{ marked: number }> {
  const workspaceId = currentWorkspaceId();
  const marked = await getDb()
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.workspaceId, workspaceId), isNull(notifications.readAt), ids ? inArray(notifications.id, ids) : undefined))
    .returning({ id: notifications.id });
  return { marked: marked.length };
}

export const webhookInput = z.strictObject({
  url: z.string().min(1, 'A URL is required').max(2000),
  events: z.array(z.enum(NOTIFICATION_EVENTS)).min(1, 'Choose at least one event').max(NOTIFICATION_EVENTS.length),
  /** Only this pipeline's runs; omitted: every pipeline of the workspace. */
  pipeline: z.string().regex(PIPELINE_NAME, 'Not a pipeline name').optional(),
  /** Sign deliveries (X-Millrace-Signature) with a new secret, answered once. */
  signed: z.boolean().optional(),
});

export async function createWebhook(raw: z.input<typeof webhookInput>) {
  const input = webhookInput.parse(raw);
  // Literal addresses and names like localhost are refused now; names are checked again at each delivery.
  let url: URL;
  try {
    url = checkUrl(input.url, deliverySettings().allow);
  } catch (err) {
    if (err instanceof UrlRefusedError) throw new ServiceError('invalid', `url: ${err.message.replace(/^Refused to fetch/, 'Refused to send to')}`);
    throw err;
  }
  const workspaceId = currentWorkspaceId();
  const db = getDb();
  let pipelineId: string | null = null;
  if (input.pipeline) {
    const [p] = await db
      .select({ id: pipelines.id })
      .from(pipelines)
      .where(and(eq(pipelines.workspaceId, workspaceId), eq(pipelines.name, input.pipeline)));
    if (!p) throw notFound(`Pipeline "${input.pipeline}"`);
    pipelineId = p.id;
  }
  // The URL and the signing secret are stored sealed; answers show the display form, the secret only now.
  const signingSecret = input.signed ? newSigningSecret() : undefined;
  const [row] = await db
    .insert(webhooks)
    .values({
      workspaceId,
      pipelineId,
      url: webhookDisplayUrl(url),
      urlCiphertext: sealSecret(url.toString()),
      signingSecretCiphertext: signingSecret ? sealSecret(signingSecret) : null,
      events: [...new Set(input.events)],
    })
    .returning({ id: webhooks.id, url: webhooks.url, events: webhooks.events, createdAt: webhooks.createdAt });
  return {
    id: row!.id,
    url: row!.url,
    events: row!.events,
    pipeline: input.pipeline ?? null,
    signed: Boolean(signingSecret),
    ...(signingSecret ? { signingSecret } : {}),
    createdAt: row!.createdAt,
  };
}

export async function listWebhooks() {
  const workspaceId = currentWorkspaceId();
  const rows = await getDb()
    .select({
      id: webhooks.id,
      url: webhooks.url,
      events: webhooks.events,
      pipeline: pipelines.name,
      signed: isNotNull(webhooks.signingSecretCiphertext).mapWith(Boolean),
      createdAt: webhooks.createdAt,
    })
    .from(webhooks)
    .leftJoin(pipelines, eq(pipelines.id, webhooks.pipelineId))
    .where(eq(webhooks.workspaceId, workspaceId))
    .orderBy(desc(webhooks.createdAt));
  return rows;
}

const uuid = z.uuid({ message: 'Not a webhook id' });

export async function deleteWebhook(id: string): Promise<void> {
  uuid.parse(id);
  const workspaceId = currentWorkspaceId();
  const deleted = await getDb()
    .delete(webhooks)
    .where(and(eq(webhooks.id, id), eq(webhooks.workspaceId, workspaceId)))
    .returning({ id: webhooks.id });
  if (deleted.length === 0) throw notFound(`Webhook "${id}"`);
}

/** The delivery log, newest first: of one webhook, or of all. */
export async function listDeliveries(opts: { webhookId?: string; limit?: number } = {}) {
  if (opts.webhookId) uuid.parse(opts.webhookId);
  const workspaceId = currentWorkspaceId();
  const rows = await getDb()
    .select({
      id: webhookDeliveries.id,
      webhookId: webhookDeliveries.webhookId,
      url: webhookDeliveries.url,
      event: notifications.event,
      runId: notifications.runId,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      lastStatusCode: webhookDeliveries.lastStatusCode,
      lastError: webhookDeliveries.lastError,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      deliveredAt: webhookDeliveries.deliveredAt,
      createdAt: webhookDeliveries.createdAt,
    })
    .from(webhookDeliveries)
    .innerJoin(notifications, eq(notifications.id, webhookDeliveries.notificationId))
    .where(and(eq(notifications.workspaceId, workspaceId), opts.webhookId ? eq(webhookDeliveries.webhookId, opts.webhookId) : undefined))
    .orderBy(desc(webhookDeliveries.createdAt))
    .limit(Math.min(opts.limit ?? 100, 500));
  return rows;
}
