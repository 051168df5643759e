import { eq } from 'drizzle-orm';
import { isAPIError } from 'better-auth/api';
import { z } from 'zod';
import { getDb } from '../../db/client';
import { auditEvents, setupTokens, users, workspaceMembers } from '../../db/schema';
import { defaultWorkspaceId } from '../infra/workspace';
import { HttpError } from '../rest/http';
import { getAuth } from './auth';
import { CLIENT_IP_HEADER } from './client-ip';
import { sameHash, tokenHash } from './token-hash';

/** The set-up page's form. The password rules are better-auth's (server/auth/auth.ts). */
export const setupRequestSchema = z.strictObject({
  token: z.string().min(1, 'The set-up token is missing: open the link the launcher printed').max(200),
  name: z.string().trim().min(1, 'Give the admin a name').max(100),
  email: z.email('The email address is not valid').max(254),
  password: z.string().min(12, 'The password needs at least 12 characters').max(128, 'The password may have at most 128 characters'),
});
export type SetupRequest = z.infer<typeof setupRequestSchema>;

const GONE = 'This set-up link was used already or has expired; restart Millrace to print a new one if no admin exists yet.';

export interface SetupResult {
  userId: string;
  /** better-auth's Set-Cookie headers: the new admin is signed in. */
  headers: Headers;
}

/**
 * Creates the first admin from the one-time set-up token: the account, admin of the `default` workspace,
 * instance admin. The token row is locked, checked and deleted in one transaction, so two uses at once
 * cannot both succeed; if creating the account fails, the transaction rolls back and the link still works.
 */
export async function completeSetup(input: SetupRequest, headers: Headers): Promise<SetupResult> {
  const workspaceId = await defaultWorkspaceId();
  return getDb().transaction(async (tx) => {
    const [row] = await tx.select().from(setupTokens).limit(1).for('update');
    if (!row || !sameHash(row.tokenHash, tokenHash(input.token)) || row.expiresAt.getTime() <= Date.now()) throw new HttpError(410, GONE);
    await tx.delete(setupTokens).where(eq(setupTokens.tokenHash, row.tokenHash));

    // The request's headers give better-auth the base URL and the client's address for the new session.
    const { headers: answer, response } = await getAuth()
      .api.signUpEmail({ body: { name: input.name, email: input.email, password: input.password }, headers, returnHeaders: true })
      .catch((err: unknown) => {
        // better-auth's own refusals (an email already taken, a password it rejects) keep their status and message.
        if (isAPIError(err)) throw new HttpError(err.statusCode, err.message);
        throw err;
      });
    const userId = response.user.id;
    await tx.update(users).set({ isInstanceAdmin: true }).where(eq(users.id, userId));
    await tx.insert(workspaceMembers).values({ workspaceId, userId, role: 'admin' });
    await tx.insert(auditEvents).values({
      workspaceId,
      actorKind: 'user',
      actorId: userId,
      actorLabel: input.email,
      action: 'instance.setup',
      targetKind: 'user',
      target: input.email,
      ip: headers.get(CLIENT_IP_HEADER),
      userAgent: headers.get('user-agent'),
    });
    return { userId, headers: answer };
  });
}
