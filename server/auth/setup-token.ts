import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Db } from '../../db/client';
import * as schema from '../../db/schema';
import { setupTokens, workspaceMembers } from '../../db/schema';
import { randomToken, tokenHash } from './token-hash';

/** How long a set-up link works. */
export const SETUP_TOKEN_TTL_MS = 24 * 3600 * 1000;

/**
 * A new one-time set-up token when no workspace has an admin yet, replacing any older one (only its hash
 * is stored); null once an admin exists. The launcher prints it as a link after the migrations.
 */
export async function issueSetupToken(db: Db, now = new Date()): Promise<string | null> {
  const [admin] = await db.select({ id: workspaceMembers.id }).from(workspaceMembers).where(eq(workspaceMembers.role, 'admin')).limit(1);
  if (admin) return null;
  const token = randomToken();
  await db.transaction(async (tx) => {
    await tx.delete(setupTokens).where(sql`true`);
    await tx.insert(setupTokens).values({ tokenHash: tokenHash(token), expiresAt: new Date(now.getTime() + SETUP_TOKEN_TTL_MS) });
  });
  return token;
}

/** `issueSetupToken` over a connection of its own (the launcher holds no database pool). */
export async function issueSetupTokenAt(databaseUrl: string): Promise<string | null> {
  const client = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    return await issueSetupToken(drizzle(client, { schema }));
  } finally {
    await client.end({ timeout: 5 });
  }
}
