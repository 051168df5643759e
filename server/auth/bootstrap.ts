import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { z } from 'zod';
import * as schema from '../../db/schema';
import { workspaces } from '../../db/schema';
import { createApiToken } from './api-tokens';
import { ROLES, type Role } from './roles';

// Accounts for a stack that tests or the bench drive: the first admin through the set-up link, as a person
// would make it, then one API token per role in the `default` workspace.

export const TEST_ADMIN = { name: 'Test admin', email: 'admin@test.local', password: 'test-admin-password-1' } as const;

export interface TestAccounts {
  tokens: Record<Role, string>;
  /** The admin's session cookie (`name=value`), for browser tests. */
  adminCookie: string;
}

const setupAnswerSchema = z.object({ userId: z.uuid() });

export async function bootstrapAccounts(stack: { setupUrl?: string; webUrl?: string; databaseUrl: string }): Promise<TestAccounts> {
  if (!stack.setupUrl || !stack.webUrl) throw new Error('The stack printed no set-up link: it has an admin already, or auth is off');
  const token = new URL(stack.setupUrl).hash.slice(1);
  const res = await fetch(`${stack.webUrl}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, ...TEST_ADMIN }),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST /api/v1/setup answered ${res.status}: ${text}`);
  const { userId } = setupAnswerSchema.parse(JSON.parse(text));
  const adminCookie = res.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0]!)
    .find((pair) => pair.includes('session_token='));
  if (!adminCookie) throw new Error('POST /api/v1/setup set no session cookie');

  const client = postgres(stack.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const db = drizzle(client, { schema });
    const [workspace] = await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.slug, 'default'));
    if (!workspace) throw new Error('The default workspace does not exist');
    const tokens = {} as Record<Role, string>;
    for (const role of ROLES) {
      tokens[role] = (await createApiToken({ workspaceId: workspace.id, name: `test ${role}`, role, createdByUserId: userId }, db)).token;
    }
    return { tokens, adminCookie };
  } finally {
    await client.end({ timeout: 5 });
  }
}
