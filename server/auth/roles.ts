import { z } from 'zod';
import { WORKSPACE_ROLES, WORKSPACE_ROLE_SUMMARIES, roleAtLeast, type WorkspaceRole } from '../../workflows/core/workspace-roles';

/** viewer < editor < deployer < admin (workflows/core/workspace-roles.ts). */
export const ROLES = WORKSPACE_ROLES;
export type Role = WorkspaceRole;
export const ROLE_SUMMARIES = WORKSPACE_ROLE_SUMMARIES;
export const roleSchema = z.enum(ROLES, { error: `a role: ${ROLES.join(', ')}` });

/** True when `role` is `required` or stronger. */
export const atLeast = roleAtLeast;

/** A stored role read back from the database or a token: an unknown value grants nothing. */
export function parseRole(value: unknown): Role | undefined {
  const parsed = roleSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * What a procedure or route requires: a role in the caller's workspace, or only that someone is signed in
 * (their own profile, their list of workspaces).
 */
export type Requirement = Role | 'signedIn';

/** Whether a caller holding `role` (undefined: signed in, but no role in the active workspace) meets `required`. */
export function meets(role: Role | undefined, required: Requirement): boolean {
  if (required === 'signedIn') return true;
  return role !== undefined && atLeast(role, required);
}
