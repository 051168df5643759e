import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { isAPIError } from 'better-auth/api';
import { z } from 'zod';
import { getDb } from '../../db/client';
import { users, workspaceInvitations, workspaceMembers, workspaces } from '../../db/schema';
import { getAuth } from '../auth/auth';
import type { Principal } from '../auth/principal';
import { parseRole, roleSchema, type Role } from '../auth/roles';
import { config } from '../infra/config';
import { ServiceError } from '../infra/errors';

// Members of a workspace and their invitations. Invitations go through better-auth (it checks who may
// invite and, on acceptance, that the invitation is the accepting person's); roles and removals are plain
// rows here, because the "last admin" rule must hold under concurrent changes (rows locked in one transaction).

export const inviteInput = z.strictObject({
  email: z.email('The email address is not valid').max(254),
  role: roleSchema,
});
export const memberRoleInput = z.strictObject({ memberId: z.uuid('Not a member id'), role: roleSchema });
export const memberIdInput = z.strictObject({ memberId: z.uuid('Not a member id') });
export const invitationIdInput = z.strictObject({ invitationId: z.uuid('Not an invitation id') });
export const acceptAsNewInput = z.strictObject({
  name: z.string().trim().min(1, 'Give your name').max(100),
  password: z.string().min(12, 'The password needs at least 12 characters').max(128, 'The password may have at most 128 characters'),
});

export interface Me {
  kind: Principal['kind'];
  label: string;
  name: string;
  email: string | null;
  role: Role | null;
  workspace: { id: string; name: string; slug: string } | null;
  /** Every workspace the person belongs to, for the switcher (a token or the local user has one). */
  workspaces: { id: string; name: string; role: Role }[];
  auth: 'on' | 'off';
}

/** The caller as the UI shows it: who, in which workspace, with which role. */
export async function describeCaller(caller: Principal): Promise<Me> {
  const db = getDb();
  const [workspace] = caller.workspaceId
    ? await db.select({ id: workspaces.id, name: workspaces.name, slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, caller.workspaceId))
    : [];
  let name = caller.label;
  let email: string | null = null;
  let memberships: Me['workspaces'] = workspace && caller.role ? [{ id: workspace.id, name: workspace.name, role: caller.role }] : [];
  if (caller.kind === 'user') {
    const [user] = await db.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, caller.id));
    if (user) ({ name, email } = user);
    const rows = await db
      .select({ id: workspaces.id, name: workspaces.name, role: workspaceMembers.role })
      .from(workspaceMembers)
      .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
      .where(eq(workspaceMembers.userId, caller.id))
      .orderBy(asc(workspaces.name));
    memberships = rows.flatMap((row) => {
      const role = parseRole(row.role);
      return role ? [{ id: row.id, name: row.name, role }] : [];
    });
  }
  return { kind: caller.kind, label: caller.label, name, email, role: caller.role, workspace: workspace ?? null, workspaces: memberships, auth: config().auth };
}

export async function listMembers(workspaceId: string) {
  const rows = await getDb()
    .select({ id: workspaceMembers.id, userId: users.id, name: users.name, email: users.email, role: workspaceMembers.role, since: workspaceMembers.createdAt })
    .from(workspaceMembers)
    .innerJoin(users, eq(users.id, workspaceMembers.userId))
    .where(eq(workspaceMembers.workspaceId, workspaceId))
    .orderBy(asc(users.email));
  return rows.map((row) => ({ ...row, role: parseRole(row.role) ?? null }));
}

/** Invitations still waiting to be accepted (not expired, revoked or used). */
export async function listInvitations(workspaceId: string) {
  const rows = await getDb()
    .select({ id: workspaceInvitations.id, email: workspaceInvitations.email, role: workspaceInvitations.role, expiresAt: workspaceInvitations.expiresAt })
    .from(workspaceInvitations)
    .where(
      and(
        eq(workspaceInvitations.workspaceId, workspaceId),
        eq(workspaceInvitations.status, 'pending'),
        gt(workspaceInvitations.expiresAt, sql`now()`),
      ),
    )
    .orderBy(asc(workspaceInvitations.createdAt));
  return rows.map((row) => ({ ...row, link: `/invite/${row.id}` }));
}

/** better-auth's refusals become errors the caller can act on, with their message. */
function refusal(err: unknown): never {
  if (isAPIError(err)) {
    const code = err.statusCode === 404 ? 'not_found' : err.statusCode === 403 ? 'conflict' : 'invalid';
    throw new ServiceError(code, err.message);
  }
  throw err;
}

/** Invites `email` with `role`; no mail is sent: the admin copies the link. Needs the admin's browser session. */
export async function inviteMember(caller: Principal, workspaceId: string, input: z.infer<typeof inviteInput>, headers: Headers | undefined) {
  if (caller.kind !== 'user' || !headers) {
    throw new ServiceError('invalid', 'Invitations are made by a signed-in admin in the browser (Members page), not with an API token.');
  }
  const invitation = await getAuth()
    .api.createInvitation({ body: { email: input.email, role: input.role, organizationId: workspaceId }, headers })
    .catch(refusal);
  return { id: invitation.id, email: invitation.email, role: input.role, link: `/invite/${invitation.id}` };
}

export async function revokeInvitation(workspaceId: string, invitationId: string) {
  const revoked = await getDb()
    .update(workspaceInvitations)
    .set({ status: 'canceled' })
    .where(
      and(eq(workspaceInvitations.id, invitationId), eq(workspaceInvitations.workspaceId, workspaceId), eq(workspaceInvitations.status, 'pending')),
    )
    .returning({ id: workspaceInvitations.id });
  if (revoked.length === 0) throw new ServiceError('not_found', 'No pending invitation with this id in the workspace');
  return { id: invitationId };
}

const LAST_ADMIN = 'is the last admin of this workspace: make someone else admin first.';

/**
 * Changes a member's role, or removes the member (`role` null). The workspace's admin rows are locked first,
 * so two admins demoting each other at once cannot leave the workspace without one.
 */
async function changeMembership(workspaceId: string, memberId: string, role: Role | null) {
  return getDb().transaction(async (tx) => {
    const admins = await tx
      .select({ id: workspaceMembers.id })
      .from(workspaceMembers)
      .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.role, 'admin')))
      .for('update');
    const [member] = await tx
      .select({ id: workspaceMembers.id, role: workspaceMembers.role, email: users.email })
      .from(workspaceMembers)
      .innerJoin(users, eq(users.id, workspaceMembers.userId))
      .where(and(eq(workspaceMembers.id, memberId), eq(workspaceMembers.workspaceId, workspaceId)))
      .for('update', { of: workspaceMembers });
    if (!member) throw new ServiceError('not_found', 'No member with this id in the workspace');
    if (member.role === 'admin' && role !== 'admin' && admins.length <= 1) throw new ServiceError('conflict', `${member.email} ${LAST_ADMIN}`);
    if (role) await tx.update(workspaceMembers).set({ role }).where(eq(workspaceMembers.id, memberId));
    else await tx.delete(workspaceMembers).where(eq(workspaceMembers.id, memberId));
    return { id: memberId, email: member.email, role };
  });
}

export const changeMemberRole = (workspaceId: string, memberId: string, role: Role) => changeMembership(workspaceId, memberId, role);
export const removeMember = (workspaceId: string, memberId: string) => changeMembership(workspaceId, memberId, null);

/** What the invite page shows before anyone signs in; the id (a random uuid) is the secret. */
export async function invitationView(invitationId: string) {
  const [row] = await getDb()
    .select({
      id: workspaceInvitations.id,
      email: workspaceInvitations.email,
      role: workspaceInvitations.role,
      status: workspaceInvitations.status,
      expiresAt: workspaceInvitations.expiresAt,
      workspace: workspaces.name,
    })
    .from(workspaceInvitations)
    .innerJoin(workspaces, eq(workspaces.id, workspaceInvitations.workspaceId))
    .where(eq(workspaceInvitations.id, invitationId));
  if (!row) throw new ServiceError('not_found', 'This invitation does not exist: ask the admin for a new link');
  if (row.status !== 'pending') throw new ServiceError('conflict', `This invitation was ${row.status === 'canceled' ? 'revoked' : row.status} already`);
  if (row.expiresAt.getTime() <= Date.now()) throw new ServiceError('conflict', 'This invitation has expired: ask the admin for a new link');
  const [account] = await getDb().select({ id: users.id }).from(users).where(eq(users.email, row.email.toLowerCase()));
  return { id: row.id, email: row.email, role: parseRole(row.role) ?? null, workspace: row.workspace, expiresAt: row.expiresAt, hasAccount: Boolean(account) };
}

/**
 * A person without an account accepts: the account is made with the invited email (so nobody else can use the
 * link to make one), then better-auth accepts the invitation in the new session. Answers that session's cookies.
 */
export async function acceptAsNewAccount(invitationId: string, input: z.infer<typeof acceptAsNewInput>, headers: Headers) {
  const invitation = await invitationView(invitationId);
  if (invitation.hasAccount) throw new ServiceError('conflict', `An account for ${invitation.email} exists already: sign in to accept the invitation`);
  const auth = getAuth().api;
  const signedUp = await auth
    .signUpEmail({ body: { name: input.name, email: invitation.email, password: input.password }, headers, returnHeaders: true })
    .catch(refusal);
  const cookies = signedUp.headers.getSetCookie();
  const session = new Headers(headers);
  session.set('cookie', cookies.map((cookie) => cookie.split(';')[0]!).join('; '));
  const accepted = await auth.acceptInvitation({ body: { invitationId }, headers: session, returnHeaders: true }).catch(refusal);
  const answer = new Headers();
  for (const cookie of [...cookies, ...accepted.headers.getSetCookie()]) answer.append('set-cookie', cookie);
  return { userId: signedUp.response.user.id, email: invitation.email, role: invitation.role, headers: answer };
}
