import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '../../db/client';
import { workspaces } from '../../db/schema';
import type { Principal } from './principal';

// "Who am I": what a credential stands for, so a person can check a token before using it in a script.

export const meResponse = z.object({
  kind: z.enum(['user', 'token', 'local']).describe('user: a browser session; token: an API token; local: MILLRACE_AUTH=off'),
  id: z.string(),
  label: z.string().describe('How the audit log names this caller'),
  workspace: z.object({ id: z.string(), slug: z.string(), name: z.string() }).nullable(),
  role: z.enum(['viewer', 'editor', 'deployer', 'admin']).nullable(),
});
export type MeResponse = z.infer<typeof meResponse>;

export async function whoAmI(caller: Principal): Promise<MeResponse> {
  const [workspace] = caller.workspaceId
    ? await getDb().select({ id: workspaces.id, slug: workspaces.slug, name: workspaces.name }).from(workspaces).where(eq(workspaces.id, caller.workspaceId))
    : [];
  return { kind: caller.kind, id: caller.id, label: caller.label, workspace: workspace ?? null, role: caller.role };
}
