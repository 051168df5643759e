import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { auditActionsUsed, auditPageQuery, listAuditEvents } from '../auth/audit-query';
import { procedure, router } from './init';

// The audit log page: admins only.

export const auditRouter = {
  audit: router({
    list: procedure('admin')
      // TanStack's infinite query adds the paging direction; pages only go forward.
      .input(auditPageQuery.extend({ direction: z.enum(['forward', 'backward']).optional() }))
      .query(({ input: { direction: _direction, ...query }, ctx }) => {
        if (!ctx.caller.workspaceId) throw new TRPCError({ code: 'FORBIDDEN', message: 'You belong to no workspace' });
        return listAuditEvents(ctx.caller.workspaceId, query);
      }),
    actions: procedure('admin').query(({ ctx }) => (ctx.caller.workspaceId ? auditActionsUsed(ctx.caller.workspaceId) : [])),
  }),
};
