import { authenticate, type Principal } from './principal';
import type { AuditAction } from './audit-actions';
import type { Requirement } from './roles';

/** What a tRPC procedure or REST route declares about who may call it and whether the call is audited. */
export interface Access {
  role: Requirement;
  /** The audit log action a successful call records. */
  audit?: AuditAction;
}

/** Per request: the caller, resolved on first use and then shared by every call of a tRPC batch. */
export interface RequestContext {
  principal: () => Promise<Principal | null>;
  /** The request's headers, for server calls into better-auth that act with the caller's session. */
  headers?: Headers;
}

export function requestContext(headers: Headers): RequestContext {
  let resolved: Promise<Principal | null> | undefined;
  return { headers, principal: () => (resolved ??= authenticate(headers)) };
}
