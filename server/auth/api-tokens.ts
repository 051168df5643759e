import { and, eq, gt, isNull, or } from 'drizzle-orm';
import { z } from 'zod';
import { getDb, type Db } from '../../db/client';
import { unavailableDependency, within } from '../infra/dependencies';
import { apiTokens } from '../../db/schema';
import { parseRole, roleSchema, type Role } from './roles';
import { randomToken, tokenHash } from './token-hash';

/** Every token starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const TOKEN_PREFIX = 'mrt_';
const SHOWN_CHARS = TOKEN_PREFIX.length + 8;

export const newApiTokenSchema = z.strictObject({
  workspaceId: z.uuid(),
  name: z.string().trim().min(1, 'Give the token a name').max(100),
  role: roleSchema,
  createdByUserId: z.uuid().nullable(),
  expiresAt: z.date().nullable().default(null),
});
export type NewApiToken = z.input<typeof newApiTokenSchema>;

/** Creates a token and answers it in full: the only time it is ever seen, as only its hash is kept. */
export async function createApiToken(input: NewApiToken, db: Db = getDb()): Promise<{ id: string; token: string; prefix: string }> {
  const spec = newApiTokenSchema.parse(input);
  const token = `${TOKEN_PREFIX}${randomToken()}`;
  const prefix = token.slice(0, SHOWN_CHARS);
  const [row] = await db
    .insert(apiTokens)
    .values({ ...spec, prefix, tokenHash: tokenHash(token) })
    .returning({ id: apiTokens.id });
  return { id: row!.id, token, prefix };
}

export interface LiveApiToken {
  id: string;
  name: string;
  prefix: string;
  workspaceId: string;
  role: Role;
  expiresAt: Date | null;
}

// Bearer checks read the table at most every few seconds per token, and a revoke in this process forgets the
// token at once (`forgetApiToken`). While Postgres does not answer, a token seen recently keeps working, so
// predict goes on serving from its cached model as it did before tokens existed.
const RECHECK_MS = 5_000;
const TRUST_WHILE_DOWN_MS = 10 * 60_000;
const LOOKUP_PATIENCE_MS = 1_500;
interface Known {
  token: LiveApiToken;
  checkedAt: number;
  nextCheckAt: number;
}
const globals = globalThis as typeof globalThis & { __millraceKnownTokens?: Map<string, Known> };
const known = (globals.__millraceKnownTokens ??= new Map<string, Known>());

/** The live token (neither revoked nor expired) this bearer value is, or null. */
export async function findApiToken(token: string, now = Date.now()): Promise<LiveApiToken | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const hash = tokenHash(token);
  const hit = known.get(hash);
  if (hit && hit.token.expiresAt && hit.token.expiresAt.getTime() <= now) {
    known.delete(hash);
    return null;
  }
  if (hit && now < hit.nextCheckAt) return hit.token;
  let found: LiveApiToken | null;
  try {
    found = await (hit ? within('postgres', LOOKUP_PATIENCE_MS, lookUp(hash)) : lookUp(hash));
  } catch (err) {
    if (hit && unavailableDependency(err) && now - hit.checkedAt < TRUST_WHILE_DOWN_MS) {
      hit.nextCheckAt = now + RECHECK_MS;
      return hit.token;
    }
    throw err;
  }
  if (found) known.set(hash, { token: found, checkedAt: now, nextCheckAt: now + RECHECK_MS });
  else known.delete(hash);
  return found;
}

/** A token revoked (or changed) here stops working on its next request, not a few seconds later. */
export function forgetApiToken(id: string): void {
  for (const [hash, entry] of known) if (entry.token.id === id) known.delete(hash);
}

async function lookUp(hash: string): Promise<LiveApiToken | null> {
  const [row] = await getDb()
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      workspaceId: apiTokens.workspaceId,
      role: apiTokens.role,
      expiresAt: apiTokens.expiresAt,
    })
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, hash), isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, new Date()))));
  const role = parseRole(row?.role);
  return row && role ? { ...row, role } : null;
}
