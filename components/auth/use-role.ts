'use client';

import { useQuery } from '@tanstack/react-query';
import { usePathname } from 'next/navigation';
import { roleAtLeast, type WorkspaceRole } from '../../workflows/core/workspace-roles';
import { useTRPC } from '../trpc';

/** The caller as the server sees them (name, workspace, role); shared by every component through the query cache. */
export function useMe() {
  const trpc = useTRPC();
  // Nobody is signed in on the sign-in and set-up pages: asking would only answer 401.
  const signedOutPage = /^\/(sign-in|setup)\b/.test(usePathname());
  return useQuery(trpc.me.queryOptions(undefined, { staleTime: 30_000, retry: false, enabled: !signedOutPage }));
}

export interface RoleGate {
  allowed: boolean;
  /** Why not, for a disabled control's tooltip: "Needs the editor role". */
  reason?: string;
}

/**
 * Whether the caller's role allows an action needing `required`. While the role is not known yet (loading,
 * or the query failed) the control stays usable: the server checks every call anyway.
 */
export function useRole(): { role: WorkspaceRole | null | undefined; can: (required: WorkspaceRole) => RoleGate } {
  const me = useMe();
  const role = me.data?.role;
  return {
    role,
    can: (required) => {
      if (!me.data) return { allowed: true };
      if (role && roleAtLeast(role, required)) return { allowed: true };
      return { allowed: false, reason: `Needs the ${required} role` };
    },
  };
}
