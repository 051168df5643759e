import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '../../db/client';
import { apiTokens, users } from '../../db/schema';
import { ServiceError, notFound } from '../infra/errors';
import { createApiToken, forgetApiToken } from './api-tokens';
import { atLeast, roleSchema, type Role } from './roles';

// API tokens as admins manage them: made for a workspace and a role, listed without their secret, revoked at
// once (the bearer check forgets a revoked token, so it fails on its next call).

export const createTokenInput = z.strictObject({
  name: z.string().trim().min(1, 'Give the token a name').max(100, 'A token name has at most 100 characters'),
  role: roleSchema,
  /** Days until the token stops working; none: it works until revoked. */
  expiresInDays: z.number().int().min(1, 'A token lasts at least 1 day').max(3650, 'A token lasts at most 3650 days').optional(),
});
export type CreateTokenInput = z.infer<typeof createTokenInput>;

export class RoleAboveCaller extends Error {
  constructor(role: Role, callerRole: Role) {
    super(`A token cannot have more rights than its maker: you are ${callerRole}, so you may not make a ${role} token`);
    this.name = 'RoleAboveCaller';
  }
}

/** A token may hold the maker's role or a weaker one. */
export function assertGrantable(callerRole: Role, role: Role): void {
  if (!atLeast(callerRole, role)) throw new RoleAboveCaller(role, callerRole);
}

const DAY_MS = 24 * 3600 * 1000;

export async function createToken(
  maker: { workspaceId: string; role: Role; userId: string | null },
  raw: CreateTokenInput,
  now = new Date(),
): Promise<{ id: string; name: string; role: Role; prefix: string; token: string; expiresAt: Date | null }> {
  const input = createTokenInput.parse(raw);
  assertGrantable(maker.role, input.role);
  const expiresAt = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * DAY_MS) : null;
  const made = await createApiToken({ workspaceId: maker.workspaceId, name: input.name, role: input.role, createdByUserId: maker.userId, expiresAt });
  return { id: made.id, name: input.name, role: input.role, prefix: made.prefix, token: made.token, expiresAt };
}

export interface TokenView {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

/** The workspace's tokens, newest first, without their hashes. */
export async function listTokens(workspaceId: string): Promise<TokenView[]> {
  return getDb()
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      role: apiTokens.role,
      prefix: apiTokens.prefix,
      createdBy: users.email,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      lastUsedIp: apiTokens.lastUsedIp,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.createdByUserId))
    .where(eq(apiTokens.workspaceId, workspaceId))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
}

export async function revokeToken(workspaceId: string, id: string): Promise<{ id: string; name: string; prefix: string }> {
  const db = getDb();
  const [revoked] = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.workspaceId, workspaceId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id, name: apiTokens.name, prefix: apiTokens.prefix });
  if (revoked) {
    forgetApiToken(revoked.id);
    return revoked;
  }
  const [existing] = await db
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(and(eq(apiTokens.id, id), eq(apiTokens.workspaceId, workspaceId)));
  if (existing) throw new ServiceError('conflict', 'This token is revoked already');
  throw notFound('The token');
}

/** How often a token's last use is written at most: often enough to tell a live token from a stale one. */
export const LAST_USE_INTERVAL_MS = 60_000;
const globalForTokens = globalThis as unknown as { __millraceTokenUse?: Map<string, number> };

/**
 * Records that a token was used, at most once a minute per token and without making the request wait.
 * The process remembers when it last wrote; the condition in SQL keeps several web processes from writing
 * more often than that either.
 */
export function noteTokenUse(id: string, ip: string | null, now = Date.now()): void {
  const written = (globalForTokens.__millraceTokenUse ??= new Map());
  const last = written.get(id);
  if (last !== undefined && now - last < LAST_USE_INTERVAL_MS) return;
  written.set(id, now);
  if (written.size > 10_000) written.clear();
  getDb()
    .update(apiTokens)
    .set({ lastUsedAt: new Date(now), lastUsedIp: ip })
    .where(and(eq(apiTokens.id, id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, sql`now() - interval '1 minute'`))))
    .catch((err: unknown) => console.error(`[millrace] could not record the use of API token ${id}:`, err));
}
