import { handle, json, readJsonBody } from '../../../../server/rest/http';
import { createWebhook, listWebhooks, webhookInput } from '../../../../server/services/notifications';

export const dynamic = 'force-dynamic';

export async function GET() {
  return handle(async () => json({ webhooks: await listWebhooks() }));
}

/** `{url, events, pipeline?}`: POST Slack-compatible JSON to `url` for these events. */
export async function POST(req: Request) {
  return handle(async () => json(await createWebhook(await readJsonBody(req, webhookInput, { maxBytes: 64 * 1024 })), 201));
}
