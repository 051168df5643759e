import { and, eq, isNull, or, sql } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { NOTIFICATION_EVENTS, notifications, pipelines, pipelineVersions, runs, webhookDeliveries, webhooks } from '../../db/schema';

// Recording an event people should hear about: one in-app notification, and one outbox row per webhook
// that listens for it (the worker delivers them, see webhook-delivery.ts). Idempotent: the same event
// for the same run (and step) is recorded once however often this is called, so retried activities
// and reconcilers may call it freely.

export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export interface NotifyInput {
  event: NotificationEvent;
  runId: string;
  /** The step concerned (approval needed). */
  nodeId?: string;
  /** A sentence to add, e.g. the run's error or what the approval is about. */
  detail?: string;
  /** The headline instead of the event's own (a monitor alert's title). */
  title?: string;
}

const TITLES: Record<NotificationEvent, (pipeline: string, nodeId?: string) => string> = {
  'run.failed': (p) => `Run of ${p} failed`,
  'run.succeeded': (p) => `Run of ${p} succeeded`,
  'approval.needed': (p, n) => `Approval needed: ${p}${n ? ` (step ${n})` : ''}`,
  'monitor.alert': (p, n) => `Alert from ${p}${n ? ` (step ${n})` : ''}`,
};

const EMOJI: Record<NotificationEvent, string> = {
  'run.failed': ':x:',
  'run.succeeded': ':white_check_mark:',
  'approval.needed': ':raised_hand:',
  'monitor.alert': ':rotating_light:',
};

/** Where links in messages point: MILLRACE_PUBLIC_URL when set (people outside this machine read them). */
function runLink(runId: string): string {
  const base = (process.env.MILLRACE_PUBLIC_URL ?? '').replace(/\/+$/, '');
  return `${base}/runs/${runId}`;
}

/** Slack-compatible `{text, blocks}` plus Millrace's own fields under `millrace`. */
export function webhookPayload(n: {
  id: string;
  event: NotificationEvent;
  title: string;
  message: string;
  pipeline: string;
  version: number;
  runId: string;
  runStatus: string;
  nodeId?: string | null;
  createdAt: Date;
}) {
  const link = runLink(n.runId);
  const text = `${EMOJI[n.event]} ${n.title}${n.message ? `: ${n.message}` : ''}`;
  const linked = link.startsWith('http') ? `${text} <${link}|Open run>` : text;
  return {
    text: linked,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: linked } }],
    millrace: {
      notificationId: n.id,
      event: n.event,
      pipeline: n.pipeline,
      version: n.version,
      runId: n.runId,
      runStatus: n.runStatus,
      nodeId: n.nodeId ?? null,
      url: link,
      at: n.createdAt.toISOString(),
    },
  };
}

/**
 * Records `event` for a run: the in-app notification and the webhook deliveries, in one transaction.
 * Returns the notification id, or undefined when the event had already been recorded.
 */
export async function notify(input: NotifyInput): Promise<string | undefined> {
  const db = getDb();
  const [run] = await db
    .select({
      workspaceId: runs.workspaceId,
      status: runs.status,
      error: runs.error,
      pipelineId: pipelines.id,
      pipeline: pipelines.name,
      version: pipelineVersions.version,
      previewUpTo: runs.previewUpTo,
    })
    .from(runs)
    .innerJoin(pipelineVersions, eq(pipelineVersions.id, runs.pipelineVersionId))
    .innerJoin(pipelines, eq(pipelines.id, pipelineVersions.pipelineId))
    .where(eq(runs.id, input.runId));
  // A run deleted meanwhile has nobody to tell; a preview run (editor's "preview up to here") tells no one
  // outside the editor: no notification, no webhook.
  if (!run || run.previewUpTo) return undefined;
  const title = input.title ?? TITLES[input.event](run.pipeline, input.nodeId);
  const message = input.detail ?? (input.event === 'run.failed' ? (run.error ?? '') : '');
  const dedupeKey = [input.event, input.runId, input.nodeId].filter(Boolean).join(':');
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(notifications)
      .values({ workspaceId: run.workspaceId, event: input.event, dedupeKey, pipelineId: run.pipelineId, runId: input.runId, nodeId: input.nodeId, title, message })
      .onConflictDoNothing({ target: notifications.dedupeKey })
      .returning();
    if (!created) return undefined;
    const targets = await tx
      .select({ id: webhooks.id, url: webhooks.url })
      .from(webhooks)
      .where(
        and(
          eq(webhooks.workspaceId, run.workspaceId),
          or(isNull(webhooks.pipelineId), eq(webhooks.pipelineId, run.pipelineId)),
          sql`${webhooks.events} @> ${JSON.stringify([input.event])}::jsonb`,
        ),
      );
    if (targets.length > 0) {
      const payload = webhookPayload({ ...created, pipeline: run.pipeline, version: run.version, runId: input.runId, runStatus: run.status });
      await tx
        .insert(webhookDeliveries)
        .values(targets.map((t) => ({ webhookId: t.id, notificationId: created.id, url: t.url, payload })))
        .onConflictDoNothing();
    }
    return created.id;
  });
}

/** The end of a run: failed and succeeded runs notify; cancelled ones do not (a person chose that). */
export async function notifyRunFinished(runId: string, status: string): Promise<void> {
  if (status === 'failed') await notify({ event: 'run.failed', runId });
  else if (status === 'succeeded') await notify({ event: 'run.succeeded', runId });
}
