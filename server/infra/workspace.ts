import { eq } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { workspaces } from '../../db/schema';

let cachedId: string | undefined;

/** The workspace every row belongs to until accounts arrive: created on first use. */
export async function defaultWorkspaceId(): Promise<string> {
  if (cachedId) return cachedId;
  const db = getDb();
  await db.insert(workspaces).values({ slug: 'default', name: 'Default' }).onConflictDoNothing();
  const [row] = await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.slug, 'default'));
  cachedId = row!.id;
  return cachedId;
}
