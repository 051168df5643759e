import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomToken, tokenHash } from '../../server/auth/token-hash';
import { anonymousFetch } from '../support/auth-fetch';
import { http } from '../support/http';

// The access checks against the real stack: credentials or 401, the role or 403, and the one-time set-up link.

let sql: postgres.Sql;
beforeAll(() => {
  sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await sql.end({ timeout: 5 });
});

const trpc = (path: string, headers: Record<string, string> = {}) => anonymousFetch(`${inject('baseUrl')}/api/trpc/${path}`, { headers });

describe('without credentials', () => {
  it('a converted REST route answers 401 with a Bearer challenge before reading the request', async () => {
    const res = await http('POST', `/api/v1/runs/${randomUUID()}/cancel`, 'not json', {}, { as: 'anonymous' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.data.error).toMatch(/Authorization: Bearer/);
    expect((await http('GET', '/api/v1/catalog', undefined, {}, { as: 'anonymous' })).status).toBe(401);
  });

  it('a converted tRPC procedure answers 401', async () => {
    const res = await trpc('pipelines.list');
    expect(res.status).toBe(401);
  });

  it('an unknown bearer token is 401 too, even with a valid session cookie beside it', async () => {
    const res = await trpc('pipelines.list', { authorization: `Bearer mrt_${randomToken()}`, cookie: inject('adminCookie') });
    expect(res.status).toBe(401);
  });

  it('the health probe stays public', async () => {
    expect((await http('GET', '/api/health', undefined, {}, { as: 'anonymous' })).status).toBe(200);
  });
});

describe('with credentials', () => {
  it('a token below the route role gets 403 naming both roles; the role itself gets through', async () => {
    const refused = await http('POST', `/api/v1/runs/${randomUUID()}/cancel`, undefined, {}, { as: 'viewer' });
    expect(refused.status).toBe(403);
    expect(refused.data.error).toMatch(/editor role.*your role is viewer/);
    expect((await http('GET', '/api/v1/catalog', undefined, {}, { as: 'viewer' })).status).toBe(200);
  });

  it('a tRPC mutation checks its role before reading the input', async () => {
    const post = (as: 'editor' | 'admin') =>
      anonymousFetch(`${inject('baseUrl')}/api/trpc/notifications.deleteWebhook`, {
        method: 'POST',
        headers: { authorization: `Bearer ${inject('tokens')[as]}`, 'content-type': 'application/json' },
        body: '{"json":{"id":"not-a-uuid"}}',
      });
    const refused = await post('editor');
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/admin role.*your role is editor/);
    expect((await post('admin')).status).toBe(400);
  });

  it('the admin session cookie from the set-up link is signed in', async () => {
    const res = await trpc('pipelines.list', { cookie: inject('adminCookie') });
    expect(res.status).toBe(200);
  });
});

describe('the set-up link', () => {
  const setup = (token: string, email: string) =>
    http('POST', '/api/v1/setup', { token, name: 'Second admin', email, password: 'a-long-enough-password' }, {}, { as: 'anonymous' });

  async function insertSetupToken(expiresInMs: number): Promise<string> {
    const token = randomToken();
    await sql`delete from setup_tokens`;
    await sql`insert into setup_tokens (token_hash, expires_at) values (${tokenHash(token)}, ${new Date(Date.now() + expiresInMs)})`;
    return token;
  }

  it('opens a page with the form the link points at', async () => {
    const res = await anonymousFetch(`${inject('baseUrl')}/setup`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Create the admin account');
  });

  it('works exactly once: the second use answers 410', async () => {
    const token = await insertSetupToken(3600_000);
    const first = await setup(token, 'second-admin@test.local');
    expect(first.status).toBe(201);
    expect(first.headers.getSetCookie().some((c) => c.includes('session_token='))).toBe(true);
    const [member] = await sql`select m.role, u.is_instance_admin from workspace_members m join users u on u.id = m.user_id where u.email = 'second-admin@test.local'`;
    expect(member).toMatchObject({ role: 'admin', is_instance_admin: true });

    const again = await setup(token, 'third-admin@test.local');
    expect(again.status).toBe(410);
    expect((await sql`select 1 from users where email = 'third-admin@test.local'`).length).toBe(0);
  });

  it('refuses an expired or wrong token with 410, and a bad form with 400 naming the field', async () => {
    const expired = await insertSetupToken(-1000);
    expect((await setup(expired, 'late@test.local')).status).toBe(410);
    await insertSetupToken(3600_000);
    expect((await setup(randomToken(), 'guess@test.local')).status).toBe(410);
    const short = await http('POST', '/api/v1/setup', { token: 'x', name: 'n', email: 'a@b.c', password: 'short' }, {}, { as: 'anonymous' });
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.data)).toMatch(/12 characters/);
  });
});
