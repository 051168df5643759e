import { TRPCError } from '@trpc/server';
import {
  changeMemberRole,
  describeCaller,
  invitationIdInput,
  inviteInput,
  inviteMember,
  listInvitations,
  listMembers,
  memberIdInput,
  memberRoleInput,
  removeMember,
  revokeInvitation,
} from '../services/members';
import type { Principal } from '../auth/principal';
import { procedure, router } from './init';

// Who the caller is (every page's header reads it) and the admin's Members page.

/** The caller's workspace; an admin always has one (their role is in it). */
function workspaceOf(caller: Principal): string {
  if (!caller.workspaceId) throw new TRPCError({ code: 'FORBIDDEN', message: 'You are not a member of a workspace' });
  return caller.workspaceId;
}

export const membersRouter = {
  /** Signed in without a workspace is allowed: the header then says so instead of failing. */
  me: procedure('signedIn').query(({ ctx }) => describeCaller(ctx.caller)),
  members: router({
    list: procedure('admin').query(async ({ ctx }) => {
      const workspaceId = workspaceOf(ctx.caller);
      const [members, invitations] = await Promise.all([listMembers(workspaceId), listInvitations(workspaceId)]);
      return { members, invitations };
    }),
    invite: procedure('admin', 'member.invited')
      .input(inviteInput)
      .mutation(({ ctx, input }) => inviteMember(ctx.caller, workspaceOf(ctx.caller), input, ctx.headers)),
    // Revoking an invitation undoes an invite, so it is recorded as a removal.
    revokeInvitation: procedure('admin', 'member.removed')
      .input(invitationIdInput)
      .mutation(({ ctx, input }) => revokeInvitation(workspaceOf(ctx.caller), input.invitationId)),
    changeRole: procedure('admin', 'role.changed')
      .input(memberRoleInput)
      .mutation(({ ctx, input }) => changeMemberRole(workspaceOf(ctx.caller), input.memberId, input.role)),
    remove: procedure('admin', 'member.removed')
      .input(memberIdInput)
      .mutation(({ ctx, input }) => removeMember(workspaceOf(ctx.caller), input.memberId)),
  }),
};
