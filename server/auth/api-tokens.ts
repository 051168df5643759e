import { and, eq, gt, isNull, or } from 'drizzle-orm';
import { z } from 'zod';
import { getDb, type Db } from '../../db/client';
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

/** The live token (neither revoked nor expired) this bearer value is, or null. */
export async function findApiToken(token: string): Promise<{ id: string; name: string; prefix: string; workspaceId: string; role: Role } | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const [row] = await getDb()
    .select({ id: apiTokens.id, name: apiTokens.name, prefix: apiTokens.prefix, workspaceId: apiTokens.workspaceId, role: apiTokens.role })
    .from(apiTokens)
    .where(
      and(
        eq(apiTokens.tokenHash, tokenHash(token)),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, new Date())),
      ),
    );
  const role = parseRole(row?.role);
  return row && role ? { ...row, role } : null;
}
