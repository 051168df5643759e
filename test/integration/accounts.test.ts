import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { TEST_ADMIN } from '../../server/auth/bootstrap';
import { requestFrom, sessionCookie, type Answer } from '../support/from-address';
import { http } from '../support/http';

// Sign-in, invitations, sign out everywhere and the last-admin rule over HTTP, against the real stack.
// Each test signs in from its own loopback address, so the sign-in rate limit of one does not reach another.

const PASSWORD = 'a-long-enough-password-7';

/** A tRPC call with a session cookie; answers the data or the error. */
async function trpc(from: string, cookie: string, path: string, input?: unknown): Promise<Answer & { data?: any; error?: any }> {
  const mutation = !['me', 'members.list'].includes(path);
  const answer = mutation
    ? await requestFrom(from, 'POST', `/api/trpc/${path}`, { cookie, body: { json: input ?? null } })
    : await requestFrom(from, 'GET', `/api/trpc/${path}`, { cookie });
  return { ...answer, data: answer.json?.result?.data?.json, error: answer.json?.error?.json };
}

const signIn = (from: string, email: string, password: string) => requestFrom(from, 'POST', '/api/auth/sign-in/email', { body: { email, password } });

/** Invites `email` with `role` as the test admin (browser session) and makes the account through the link. */
async function memberThroughInvite(from: string, role: 'viewer' | 'editor', email = `${randomUUID().slice(0, 8)}@test.local`) {
  const invited = await trpc(from, inject('adminCookie'), 'members.invite', { email, role });
  expect(invited.status, invited.text).toBe(200);
  expect(invited.data.link).toBe(`/invite/${invited.data.id}`);
  const accepted = await requestFrom(from, 'POST', `/api/v1/invitations/${invited.data.id}/accept`, { body: { name: 'Invited person', password: PASSWORD } });
  expect(accepted.status, accepted.text).toBe(201);
  return { email, invitationId: invited.data.id as string, cookie: sessionCookie(accepted) };
}

describe('accounts', () => {
  it('answers a wrong password with a clear 401 and the right one with a session', async () => {
    const from = '127.0.0.21';
    const wrong = await signIn(from, TEST_ADMIN.email, 'not-the-password-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.json.message).toMatch(/invalid email or password/i);
    expect(wrong.cookies.filter((c) => c.includes('session_token=') && !c.endsWith('='))).toEqual([]);

    const right = await signIn(from, TEST_ADMIN.email, TEST_ADMIN.password);
    expect(right.status, right.text).toBe(200);
    const me = await trpc(from, sessionCookie(right), 'me');
    expect(me.data).toMatchObject({ kind: 'user', email: TEST_ADMIN.email, role: 'admin', workspace: { slug: 'default' } });
  });

  it('refuses further sign-in attempts with 429 and Retry-After after the limit', async () => {
    const from = '127.0.0.22';
    let answer: Answer | undefined;
    for (let attempt = 0; attempt < 30; attempt++) {
      answer = await signIn(from, TEST_ADMIN.email, 'guessing-a-password-1');
      if (answer.status === 429) break;
      expect(answer.status).toBe(401);
    }
    expect(answer!.status).toBe(429);
    expect(Number(answer!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Even the right password waits: the limit is on attempts, not failures.
    expect((await signIn(from, TEST_ADMIN.email, TEST_ADMIN.password)).status).toBe(429);
    // Another address is not locked out by this one.
    expect((await signIn('127.0.0.23', TEST_ADMIN.email, TEST_ADMIN.password)).status).toBe(200);
  });

  it('signs out everywhere: every session of the person stops working', async () => {
    const from = '127.0.0.24';
    const person = await memberThroughInvite(from, 'viewer');
    const second = await signIn(from, person.email, PASSWORD);
    expect(second.status, second.text).toBe(200);
    const other = sessionCookie(second);
    expect((await trpc(from, other, 'me')).data).toMatchObject({ email: person.email, role: 'viewer' });

    const out = await requestFrom(from, 'POST', '/api/auth/revoke-sessions', { cookie: person.cookie, body: {} });
    expect(out.status, out.text).toBe(200);
    for (const cookie of [other, person.cookie]) {
      const me = await trpc(from, cookie, 'me');
      expect(me.status).toBe(401);
    }
    // The admin's own session is not touched.
    expect((await trpc(from, inject('adminCookie'), 'me')).data).toMatchObject({ role: 'admin' });
  });

  it('lets only the invited email accept an invitation', async () => {
    const from = '127.0.0.25';
    const outsider = await memberThroughInvite(from, 'viewer');
    const email = `${randomUUID().slice(0, 8)}@test.local`;
    const invited = await trpc(from, inject('adminCookie'), 'members.invite', { email, role: 'editor' });
    expect(invited.status, invited.text).toBe(200);
    const id = invited.data.id as string;

    const view = await requestFrom(from, 'GET', `/api/v1/invitations/${id}`);
    expect(view.json).toMatchObject({ email, role: 'editor', workspace: 'Default', hasAccount: false });

    // Someone signed in with another email cannot take it.
    const stolen = await requestFrom(from, 'POST', '/api/auth/organization/accept-invitation', { cookie: outsider.cookie, body: { invitationId: id } });
    expect(stolen.status).toBe(403);
    expect(stolen.json.message).toMatch(/recipient/i);
    expect((await trpc(from, outsider.cookie, 'me')).data.role).toBe('viewer');

    // The new-account path makes the account for the invited email only: the body cannot name another one.
    const other = await requestFrom(from, 'POST', `/api/v1/invitations/${id}/accept`, { body: { name: 'X', password: PASSWORD, email: 'x@test.local' } });
    expect(other.status).toBe(400);

    const accepted = await requestFrom(from, 'POST', `/api/v1/invitations/${id}/accept`, { body: { name: 'Invited', password: PASSWORD } });
    expect(accepted.status, accepted.text).toBe(201);
    expect((await trpc(from, sessionCookie(accepted), 'me')).data).toMatchObject({ email, role: 'editor', workspace: { slug: 'default' } });
    // Used: a second acceptance is refused.
    expect((await requestFrom(from, 'POST', `/api/v1/invitations/${id}/accept`, { body: { name: 'Again', password: PASSWORD } })).status).toBe(409);
    expect((await requestFrom(from, 'GET', `/api/v1/invitations/${randomUUID()}`)).status).toBe(404);
    expect((await requestFrom(from, 'GET', '/api/v1/invitations/not-an-id')).status).toBe(400);

    // Someone who has an account accepts signed in (here: removed, then invited back as editor).
    const members = (await trpc(from, inject('adminCookie'), 'members.list')).data.members;
    const outsiderId = members.find((m: { email: string }) => m.email === outsider.email).id;
    expect((await trpc(from, inject('adminCookie'), 'members.remove', { memberId: outsiderId })).status).toBe(200);
    const again = await trpc(from, inject('adminCookie'), 'members.invite', { email: outsider.email, role: 'editor' });
    expect((await requestFrom(from, 'GET', `/api/v1/invitations/${again.data.id}`)).json).toMatchObject({ hasAccount: true });
    expect((await requestFrom(from, 'POST', `/api/v1/invitations/${again.data.id}/accept`, { body: { name: 'X', password: PASSWORD } })).status).toBe(409);
    const back = await requestFrom(from, 'POST', '/api/auth/organization/accept-invitation', { cookie: outsider.cookie, body: { invitationId: again.data.id } });
    expect(back.status, back.text).toBe(200);
    expect((await trpc(from, outsider.cookie, 'me')).data.role).toBe('editor');
  });

  it('keeps the last admin: neither demoted nor removed', async () => {
    const from = '127.0.0.26';
    const list = await trpc(from, inject('adminCookie'), 'members.list');
    expect(list.status, list.text).toBe(200);
    const admins = list.data.members.filter((m: { role: string }) => m.role === 'admin');
    expect(admins.map((m: { email: string }) => m.email)).toEqual([TEST_ADMIN.email]);
    const memberId = admins[0].id as string;

    const demote = await trpc(from, inject('adminCookie'), 'members.changeRole', { memberId, role: 'editor' });
    expect(demote.status).toBe(409);
    expect(demote.error.message).toBe(`${TEST_ADMIN.email} is the last admin of this workspace: make someone else admin first.`);
    const remove = await trpc(from, inject('adminCookie'), 'members.remove', { memberId });
    expect(remove.status).toBe(409);
    expect((await trpc(from, inject('adminCookie'), 'me')).data.role).toBe('admin');

    // With a second admin, either may be demoted; the rule counts admins, it does not protect a person.
    const person = await memberThroughInvite(from, 'viewer');
    const second = (await trpc(from, inject('adminCookie'), 'members.list')).data.members.find((m: { email: string }) => m.email === person.email);
    expect((await trpc(from, inject('adminCookie'), 'members.changeRole', { memberId: second.id, role: 'admin' })).status).toBe(200);
    expect((await trpc(from, person.cookie, 'members.list')).status).toBe(200);
    expect((await trpc(from, inject('adminCookie'), 'members.changeRole', { memberId: second.id, role: 'viewer' })).status).toBe(200);
    expect((await trpc(from, person.cookie, 'members.list')).status).toBe(403);
    expect((await trpc(from, inject('adminCookie'), 'members.remove', { memberId: second.id })).status).toBe(200);
    expect((await trpc(from, person.cookie, 'me')).data.role).toBeNull();
  });

  it('lets only admins see and change members', async () => {
    const viewer = await http('GET', '/api/trpc/members.list', undefined, {}, { as: 'viewer' });
    expect(viewer.status).toBe(403);
    const editor = await http('POST', '/api/trpc/members.changeRole', { json: { memberId: randomUUID(), role: 'admin' } }, {}, { as: 'editor' });
    expect(editor.status).toBe(403);
    // An admin token may change roles but not invite: an invitation is made in a signed-in admin's browser.
    const byToken = await http('POST', '/api/trpc/members.invite', { json: { email: 'token@test.local', role: 'viewer' } });
    expect(byToken.status).toBe(400);
    expect(byToken.data.error.json.message).toMatch(/signed-in admin/);
  });
});
