import { TRPCError } from '@trpc/server';
import { takeOrRefuse } from '../rest/rate-limit';
import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { RoleAboveCaller, createToken, createTokenInput, listTokens, revokeToken } from '../auth/tokens';
import { procedure, router } from './init';

// API tokens of the caller's workspace: an admin's business (they act without a person behind them).

function workspaceOf(caller: Principal): string {
  if (!caller.workspaceId || !caller.role) throw new TRPCError({ code: 'FORBIDDEN', message: 'You belong to no workspace' });
  return caller.workspaceId;
}

export const tokensRouter = {
  tokens: router({
    list: procedure('admin').query(({ ctx }) => listTokens(workspaceOf(ctx.caller))),
    /** The token itself is in this answer only. */
    create: procedure('admin', 'token.created')
      .input(createTokenInput)
      .mutation(async ({ input, ctx }) => {
        const workspaceId = workspaceOf(ctx.caller);
        // A stolen admin session or token cannot mint credentials in bulk.
        takeOrRefuse('tokenCreate', `${ctx.caller.kind}:${ctx.caller.id}`);
        try {
          return await createToken({ workspaceId, role: ctx.caller.role!, userId: ctx.caller.kind === 'user' ? ctx.caller.id : null }, input);
        } catch (err) {
          if (err instanceof RoleAboveCaller) throw new TRPCError({ code: 'FORBIDDEN', message: err.message });
          throw err;
        }
      }),
    revoke: procedure('admin', 'token.revoked')
      .input(z.strictObject({ id: z.uuid('Not a token id') }))
      .mutation(({ input, ctx }) => revokeToken(workspaceOf(ctx.caller), input.id)),
  }),
};
