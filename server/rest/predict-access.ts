import { eq } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { workspaces } from '../../db/schema';
import { authenticate } from '../auth/principal';
import { meets } from '../auth/roles';
import { config } from '../infra/config';
import { ServiceError } from '../infra/errors';
import { defaultWorkspaceId, withWorkspace } from '../infra/workspace';
import { resolveEndpoint } from '../services/endpoint-resolution';
import { HttpError } from './http';

// Who may call POST /api/v1/endpoints/{name}/predict. Both predict paths (the Next route through
// predict-request.ts and the web server's fast path, predict-node.ts) ask this one function, so they
// cannot disagree. Per-caller limits on predict belong here too: it is the one place both paths pass.

/** Which workspace's endpoint an anonymous caller means (endpoint names are unique per workspace only). */
export const WORKSPACE_HEADER = 'x-millrace-workspace';

const TOKEN_NEEDED =
  'This endpoint needs an API token (role viewer or more) of its workspace: send it as "Authorization: Bearer <token>"';

/**
 * The workspace a predict request runs in, or a 401 HttpError. A bearer token is judged alone (a bad one is
 * 401 even on a public endpoint); a valid token or session answers any endpoint of its workspace. Without a
 * credential, the endpoint (in `X-Millrace-Workspace`, default `default`) must be public; whether it is
 * missing or token-only is not told apart, so names cannot be probed without a token.
 */
export async function authorizePredict(headers: Headers, name: string): Promise<{ workspaceId: string }> {
  const bearer = headers.has('authorization');
  if (bearer || headers.has('cookie') || config().auth === 'off') {
    const principal = await authenticate(headers);
    if (principal?.workspaceId && meets(principal.role ?? undefined, 'viewer')) return { workspaceId: principal.workspaceId };
    if (bearer) throw unauthorized('The API token is not valid (mistyped, revoked or expired)');
  }
  const workspaceId = await workspaceNamed(headers.get(WORKSPACE_HEADER));
  const endpoint = await resolveEndpointIn(workspaceId, name);
  if (endpoint?.access === 'public') return { workspaceId };
  throw unauthorized(TOKEN_NEEDED);
}

function unauthorized(message: string): HttpError {
  return new HttpError(401, message, { 'www-authenticate': 'Bearer' });
}

async function resolveEndpointIn(workspaceId: string, name: string) {
  try {
    return await withWorkspace(workspaceId, () => resolveEndpoint(name));
  } catch (err) {
    if (err instanceof ServiceError && err.code === 'not_found') return undefined;
    throw err;
  }
}

// Workspace ids by slug: they never change once made, so a hit is kept for the process's life.
const slugs = new Map<string, string>();

async function workspaceNamed(slug: string | null): Promise<string> {
  if (slug === null || slug === 'default') return defaultWorkspaceId();
  const known = slugs.get(slug);
  if (known) return known;
  if (slug.length > 100) throw unauthorized(TOKEN_NEEDED);
  const [row] = await getDb().select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.slug, slug));
  if (!row) throw unauthorized(TOKEN_NEEDED);
  if (slugs.size < 1000) slugs.set(slug, row.id);
  return row.id;
}
