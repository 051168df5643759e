import { and, asc, eq } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { workspaceMembers } from '../../db/schema';
import { config } from '../infra/config';
import { clientIp, countFailure, refuseIfExhausted } from '../rest/rate-limit';
import { defaultWorkspaceId } from '../infra/workspace';
import { findApiToken } from './api-tokens';
import { getAuth } from './auth';
import { CLIENT_IP_HEADER } from './client-ip';
import { parseRole, type Role } from './roles';
import { noteTokenUse } from './tokens';

/**
 * Who is calling, and with what authority. `role` is the caller's role in `workspaceId`; both are null for a
 * person signed in who belongs to no workspace yet (they may call only what needs `signedIn`).
 */
export interface Principal {
  /** `user`: a browser session; `token`: an API token; `local`: MILLRACE_AUTH=off on this machine. */
  kind: 'user' | 'token' | 'local';
  id: string;
  /** How the audit log and "saved by" name the caller. */
  label: string;
  workspaceId: string | null;
  role: Role | null;
  ip: string | null;
  userAgent: string | null;
}

/** The request's address as the web server saw it, and its user agent. */
function origin(headers: Headers): Pick<Principal, 'ip' | 'userAgent'> {
  return { ip: headers.get(CLIENT_IP_HEADER), userAgent: headers.get('user-agent') };
}

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * The caller of a request: an API token (`Authorization: Bearer`), else a session cookie, else with
 * MILLRACE_AUTH=off the local admin. Null when there is no valid credential; RateLimitedError after too many bad tokens. A request that carries a bearer
 * token is judged by that token alone, so a bad token is never rescued by a cookie the browser also sent.
 */
export async function authenticate(headers: Headers): Promise<Principal | null> {
  const bearer = BEARER.exec(headers.get('authorization') ?? '');
  if (bearer) {
    // Guessing tokens: an address that sent MILLRACE_RATE_TOKEN_FAILURES bad ones a minute waits (429).
    const ip = clientIp(headers);
    refuseIfExhausted('tokenFailures', ip);
    const principal = await tokenPrincipal(bearer[1]!, headers);
    if (!principal) countFailure('tokenFailures', ip);
    return principal;
  }
  if (config().auth === 'off') return localPrincipal(headers);
  return sessionPrincipal(headers);
}

/** A live API token: its workspace and role. The label names the token, since its value is a secret. */
async function tokenPrincipal(token: string, headers: Headers): Promise<Principal | null> {
  const found = await findApiToken(token);
  if (!found) return null;
  noteTokenUse(found.id, headers.get(CLIENT_IP_HEADER));
  return {
    kind: 'token',
    id: found.id,
    label: `token ${found.name} (${found.prefix}…)`,
    workspaceId: found.workspaceId,
    role: found.role,
    ...origin(headers),
  };
}

async function localPrincipal(headers: Headers): Promise<Principal> {
  return { kind: 'local', id: 'local', label: 'local', workspaceId: await defaultWorkspaceId(), role: 'admin', ...origin(headers) };
}

async function sessionPrincipal(headers: Headers): Promise<Principal | null> {
  if (!headers.get('cookie')) return null;
  const found = await getAuth().api.getSession({ headers });
  if (!found) return null;
  const { user, session } = found;
  const membership = await membershipOf(user.id, session.activeOrganizationId ?? null);
  return {
    kind: 'user',
    id: user.id,
    label: user.email,
    workspaceId: membership?.workspaceId ?? null,
    role: membership?.role ?? null,
    ...origin(headers),
  };
}

/** The membership in the session's active workspace, else the person's oldest one. */
async function membershipOf(userId: string, activeWorkspaceId: string | null): Promise<{ workspaceId: string; role: Role } | undefined> {
  const db = getDb();
  const columns = { workspaceId: workspaceMembers.workspaceId, role: workspaceMembers.role };
  const [row] = activeWorkspaceId
    ? await db
        .select(columns)
        .from(workspaceMembers)
        .where(and(eq(workspaceMembers.userId, userId), eq(workspaceMembers.workspaceId, activeWorkspaceId)))
    : await db.select(columns).from(workspaceMembers).where(eq(workspaceMembers.userId, userId)).orderBy(asc(workspaceMembers.createdAt)).limit(1);
  const role = parseRole(row?.role);
  return row && role ? { workspaceId: row.workspaceId, role } : undefined;
}
