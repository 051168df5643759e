import type { Principal } from './principal';
import { meets, type Requirement } from './roles';

export type AccessVerdict =
  | { ok: true; principal: Principal }
  | { ok: false; status: 401 | 403; message: string };

/** Whether this caller may make a call that requires `required`: 401 without a credential, 403 without the role. */
export function checkAccess(principal: Principal | null, required: Requirement): AccessVerdict {
  if (!principal) return { ok: false, status: 401, message: 'Sign in, or send an API token as `Authorization: Bearer <token>`.' };
  if (meets(principal.role ?? undefined, required)) return { ok: true, principal };
  const has = principal.role ? `your role is ${principal.role}` : 'you are not a member of a workspace';
  return { ok: false, status: 403, message: `This needs the ${required} role in the workspace; ${has}.` };
}
