// A second workspace for isolation tests: a workspaces row (the table better-auth's organization plugin
// uses) and one API token per role in it, written straight into the test stack's database, as
// server/auth/bootstrap.ts does for `default`.
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { inject } from 'vitest';
import * as schema from '../../db/schema';
import { workspaces } from '../../db/schema';
import { createApiToken } from '../../server/auth/api-tokens';
import { ROLES, type Role } from '../../server/auth/roles';
import { http } from './http';

export interface TestWorkspace {
  id: string;
  slug: string;
  tokens: Record<Role, string>;
  /** Headers that make a request come from this workspace's `role` token. */
  as(role: Role): Record<string, string>;
}

/** Creates (or finds) the workspace `slug` and gives it a fresh token per role. */
export async function createTestWorkspace(slug: string): Promise<TestWorkspace> {
  const client = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
  try {
    const db = drizzle(client, { schema });
    await db.insert(workspaces).values({ slug, name: `Test ${slug}` }).onConflictDoNothing();
    const [row] = await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.slug, slug));
    const tokens = {} as Record<Role, string>;
    for (const role of ROLES) {
      tokens[role] = (await createApiToken({ workspaceId: row!.id, name: `${slug} ${role}`, role, createdByUserId: null }, db)).token;
    }
    return { id: row!.id, slug, tokens, as: (role) => ({ authorization: `Bearer ${tokens[role]}` }) };
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** The id of the `default` workspace. */
export async function defaultWorkspaceIdOf(): Promise<string> {
  const sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ id: string }[]>`select id from workspaces where slug = 'default'`;
    return row!.id;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Polls a run with the given credentials until it is final. */
export async function waitForRunAs(runId: string, headers: Record<string, string>, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, data } = await http('GET', `/api/v1/runs/${runId}`, undefined, headers);
    if (status !== 200) throw new Error(`GET run ${runId}: ${status} ${JSON.stringify(data)}`);
    if (['succeeded', 'failed', 'cancelled'].includes(data.status)) return data;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not finish: ${JSON.stringify(data)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}



export { inDefaultWorkspace } from './default-workspace';
