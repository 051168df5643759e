import { json, readJsonBody } from '../../../../server/rest/http';
import { route } from '../../../../server/rest/route';
import { createWebhook, listWebhooks, webhookInput } from '../../../../server/services/notifications';

export const dynamic = 'force-dynamic';

export const GET = route({ role: 'editor' }, async () => json({ webhooks: await listWebhooks() }));

/** `{url, events, pipeline?}`: POST Slack-compatible JSON to `url` for these events. */
export const POST = route({ role: 'admin', audit: 'connection.created' }, async (req) =>
  json(await createWebhook(await readJsonBody(req, webhookInput, { maxBytes: 64 * 1024 })), 201),
);
