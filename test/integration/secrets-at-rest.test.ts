import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import nodeHttp from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as schema from '../../db/schema';
import { loadSecretKey, open } from '../../server/infra/secret-box';
import { sealLegacyWebhookUrls } from '../../server/infra/webhook-secrets';
import { http } from '../support/http';
import { until } from '../support/wait';

// A webhook URL (a Slack hook's path is its password) and a signing secret go in once; afterwards neither may be
// found in any text or JSON column of any table, in the stack's log, in the data folder's files, or in any
// API answer: only their ciphertext is kept.

const sql = postgres(inject('databaseUrl'), { max: 2, onnotice: () => {} });
const marker = `MARKER${randomUUID().replaceAll('-', '')}`;
const received: { path: string; body: string; signature?: string }[] = [];
let receiver: nodeHttp.Server;
let receiverBase: string;

beforeAll(async () => {
  receiver = nodeHttp.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body, signature: req.headers['x-millrace-signature'] as string | undefined });
      res.writeHead(500).end('failing on purpose');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => receiver.close(() => r()));
  await sql.end();
});

/** Every text, varchar and json(b) column of every table, and the rows whose value contains `needle`. */
async function columnsHolding(needle: string): Promise<string[]> {
  const columns = await sql<{ table_schema: string; table_name: string; column_name: string }[]>`
    select c.table_schema, c.table_name, c.column_name
    from information_schema.columns c join information_schema.tables t using (table_schema, table_name)
    where t.table_type = 'BASE TABLE' and c.table_schema not in ('pg_catalog', 'information_schema')
      and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb')`;
  expect(columns.length).toBeGreaterThan(20);
  const found: string[] = [];
  for (const c of columns) {
    const [row] = await sql`select count(*)::int as n from ${sql(c.table_schema)}.${sql(c.table_name)} where ${sql(c.column_name)}::text like ${`%${needle}%`}`;
    if (row!.n > 0) found.push(`${c.table_name}.${c.column_name}`);
  }
  return found;
}

/** Files under `dir` (Postgres data and WAL, Temporal's database, artifacts, logs) that contain `needle`. */
function filesHolding(dir: string, needle: string): string[] {
  const bytes = Buffer.from(needle);
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    try {
      if (fs.statSync(file).size < 256 * 1024 ** 2 && fs.readFileSync(file).includes(bytes)) found.push(file);
    } catch {
      // a file that went away or is not ours to read (the launcher keeps Postgres' folder to itself)
    }
  }
  return found;
}

describe('secrets at rest', () => {
  const url = () => `${receiverBase}/services/T000/B000/${marker}?key=${marker}`;
  let hookId: string;
  let signingSecret: string;

  it('answers the new webhook with the display form and the signing secret, once', async () => {
    const created = await http('POST', '/api/v1/webhooks', { url: url(), events: ['run.failed'], signed: true });
    expect(created.status, JSON.stringify(created.data)).toBe(201);
    expect(created.data.url).toBe(`${receiverBase}/…`);
    expect(created.data.signed).toBe(true);
    expect(created.data.signingSecret).toMatch(/^mrwhsec_/);
    expect(JSON.stringify(created.data)).not.toContain(marker);
    hookId = created.data.id;
    signingSecret = created.data.signingSecret;
    const listed = await http('GET', '/api/v1/webhooks');
    const mine = listed.data.webhooks.find((w: any) => w.id === hookId);
    expect(mine).toMatchObject({ url: `${receiverBase}/…`, signed: true });
    expect(JSON.stringify(listed.data)).not.toContain(signingSecret);
  });

  it('delivers to the full URL, signed, while the delivery log keeps only the display form', async () => {
    // An event for this webhook: a notification and its outbox row, as a failed run records them.
    const [ws] = await sql`select id from workspaces where slug = 'default'`;
    const [note] = await sql`
      insert into notifications (workspace_id, event, dedupe_key, title, message)
      values (${ws!.id}, 'run.failed', ${`secrets-test:${hookId}`}, 'Secrets test', '') returning id`;
    await sql`insert into webhook_deliveries (webhook_id, notification_id, url, payload)
      values (${hookId}, ${note!.id}, ${`${receiverBase}/…`}, ${sql.json({ text: 'secrets test' })})`;
    const deliveries = await until('two failed attempts', async () => {
      const res = await http('GET', `/api/v1/webhooks/${hookId}/deliveries`);
      const d = res.data.deliveries?.[0];
      return d && d.attempts >= 2 ? res.data : undefined;
    });
    expect(deliveries.deliveries[0]).toMatchObject({ url: `${receiverBase}/…`, lastStatusCode: 500, lastError: expect.stringContaining('answered HTTP 500') });
    expect(JSON.stringify(deliveries)).not.toContain(marker);
    const posts = received.filter((r) => r.path.includes(marker));
    expect(posts.length).toBeGreaterThanOrEqual(2);
    expect(posts[0]!.path).toBe(`/services/T000/B000/${marker}?key=${marker}`);
    const sig = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(posts[0]!.signature ?? '');
    expect(sig).not.toBeNull();
    expect(sig![2]).toBe(createHmac('sha256', signingSecret).update(`${sig![1]}.${posts[0]!.body}`).digest('hex'));
  });

  it('keeps neither the URL nor the signing secret in any column, answer, log or data file', async () => {
    expect(await columnsHolding(marker)).toEqual([]);
    expect(await columnsHolding(signingSecret.slice(8))).toEqual([]);
    // What the database keeps is ciphertext under the data folder's key.
    const [row] = await sql`select url, url_ciphertext, signing_secret_ciphertext from webhooks where id = ${hookId}`;
    expect(row!.url_ciphertext).toMatch(/^v1:[0-9a-f]{8}:/);
    const key = loadSecretKey({ dataDir: inject('dataDir') });
    expect(open(row!.url_ciphertext, key)).toBe(url());
    expect(open(row!.signing_secret_ciphertext, key)).toBe(signingSecret);
    // tRPC answers too.
    for (const proc of ['notifications.webhooks', 'notifications.deliveries']) {
      const res = await http('GET', `/api/trpc/${proc}`);
      expect(res.status, proc).toBe(200);
      expect(JSON.stringify(res.data), proc).not.toContain(marker);
      expect(JSON.stringify(res.data), proc).not.toContain(signingSecret);
    }
    const stackLog = fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'test-results', 'stack.log'), 'utf8');
    expect(stackLog.includes(marker)).toBe(false);
    expect(stackLog.includes(signingSecret)).toBe(false);
    expect(filesHolding(inject('dataDir'), marker)).toEqual([]);
  });

  it('stops delivering once the webhook is deleted', async () => {
    expect((await http('DELETE', `/api/v1/webhooks/${hookId}`)).status).toBe(204);
    const [d] = await until('the delivery to end', async () => {
      const rows = await sql`select d.status, d.last_error from webhook_deliveries d join notifications n on n.id = d.notification_id where n.dedupe_key = ${`secrets-test:${hookId}`}`;
      return rows[0]?.status === 'failed' ? rows : undefined;
    });
    expect(d!.last_error).toBe('The webhook was deleted');
  });

  it('seals webhook URLs saved in plain text before an upgrade, and their delivery log', async () => {
    const legacy = `LEGACY${randomUUID().replaceAll('-', '')}`;
    const plain = `https://hooks.slack.com/services/T1/B1/${legacy}`;
    const [ws] = await sql`select id from workspaces where slug = 'default'`;
    const [hook] = await sql`insert into webhooks (workspace_id, url, events) values (${ws!.id}, ${plain}, ${sql.json(['run.failed'])}) returning id`;
    const [note] = await sql`insert into notifications (workspace_id, event, dedupe_key, title, message)
      values (${ws!.id}, 'run.failed', ${`legacy:${randomUUID()}`}, 'Legacy', '') returning id`;
    // Delivered long ago: the old code copied the full URL into the log.
    await sql`insert into webhook_deliveries (webhook_id, notification_id, url, payload, status)
      values (${hook!.id}, ${note!.id}, ${plain}, ${sql.json({})}, 'delivered')`;
    expect(await columnsHolding(legacy)).toEqual(['webhook_deliveries.url', 'webhooks.url']);

    const key = loadSecretKey({ dataDir: inject('dataDir') });
    const db = drizzle(sql, { schema });
    expect(await sealLegacyWebhookUrls(db, key)).toBeGreaterThanOrEqual(1);
    expect(await columnsHolding(legacy)).toEqual([]);
    const [row] = await sql`select url, url_ciphertext from webhooks where id = ${hook!.id}`;
    expect(row!.url).toBe('https://hooks.slack.com/…');
    expect(open(row!.url_ciphertext, key)).toBe(plain);
    // Idempotent: a second start finds nothing to seal.
    expect(await sealLegacyWebhookUrls(db, key)).toBe(0);
    await sql`delete from webhooks where id = ${hook!.id}`;
  });
});
