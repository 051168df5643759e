import { randomUUID } from 'node:crypto';
import { initTRPC, TRPCError, type TRPC_ERROR_CODE_KEY } from '@trpc/server';
import superjson from 'superjson';
import { ZodError, z } from 'zod';
import { checkAccess } from '../auth/access';
import { changedNothing, recordAuditedCall } from '../auth/audit';
import type { AuditAction } from '../auth/audit-actions';
import type { Access, RequestContext } from '../auth/context';
import type { Requirement } from '../auth/roles';
import { asUnavailable, unavailableDependency, unlessStuck } from '../infra/dependencies';
import { ServiceError } from '../infra/errors';
import { NoWorkspaceError, withWorkspace } from '../infra/workspace';
import { RateLimitedError } from '../rest/rate-limit';

// One tRPC instance for the UI API. Inputs are zod-validated at the boundary; services throw plain
// Errors, and "… not found" ones become NOT_FOUND so the UI can tell a missing thing from a failure.
// An internal error reaches the browser only as "Internal error" and a request id; its cause is
// logged to the server console under that id.

const t = initTRPC.context<RequestContext>().meta<Partial<Access>>().create({
  transformer: superjson,
  errorFormatter({ shape, error, path }) {
    const cause = error.cause;
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      const requestId = randomUUID();
      console.error(`[millrace] tRPC ${path ?? '?'} request ${requestId} failed:`, cause ?? error);
      const { stack: _stack, ...data } = shape.data;
      return { ...shape, message: 'Internal error', data: { ...data, zodIssues: null, requestId } };
    }
    return {
      ...shape,
      data: {
        ...shape.data,
        zodIssues: cause instanceof ZodError ? z.treeifyError(cause) : null,
      },
    };
  },
});

const SERVICE_CODES: Record<ServiceError['code'], TRPC_ERROR_CODE_KEY> = {
  not_found: 'NOT_FOUND',
  invalid: 'BAD_REQUEST',
  conflict: 'CONFLICT',
  unavailable: 'SERVICE_UNAVAILABLE',
  unprocessable: 'UNPROCESSABLE_CONTENT',
  unsupported: 'UNSUPPORTED_MEDIA_TYPE',
  too_large: 'PAYLOAD_TOO_LARGE',
};
const NOT_FOUND = /\bnot found\b|does not exist/i;

function codeOf(cause: Error | undefined): TRPC_ERROR_CODE_KEY | undefined {
  if (!cause) return undefined;
  if (cause instanceof ServiceError) return SERVICE_CODES[cause.code];
  if (cause instanceof RateLimitedError) return 'TOO_MANY_REQUESTS';
  // A person signed in who belongs to no workspace yet, calling something of a workspace.
  if (cause instanceof NoWorkspaceError) return 'FORBIDDEN';
  // A refused or broken connection to Postgres or Temporal: unavailable, not an internal error.
  if (unavailableDependency(cause)) return 'SERVICE_UNAVAILABLE';
  return NOT_FOUND.test(cause.message) ? 'NOT_FOUND' : undefined;
}

const mapServiceErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.code === 'INTERNAL_SERVER_ERROR') {
    const cause = result.error.cause;
    const code = codeOf(cause);
    if (code) {
      const message = code === 'SERVICE_UNAVAILABLE' ? (asUnavailable(cause) as Error).message : (cause?.message ?? result.error.message);
      throw new TRPCError({ code, message, cause });
    }
  }
  return result;
});

/** A call still busy after this long while Postgres or Temporal does not answer fails as unavailable, not a hang. */
const PATIENCE_MS = 4000;
const boundWaits = t.middleware(({ next }) => unlessStuck(next(), PATIENCE_MS));

/**
 * Who may call: a procedure without a declared role is refused. Runs before the procedure's input is
 * parsed (procedures add `.input()` after this), so a caller without the role learns nothing from
 * validation errors. The rest of the call runs in the caller's workspace (currentWorkspaceId()).
 */
const authorize = t.middleware(async ({ ctx, meta, path, next, getRawInput }) => {
  if (!meta?.role) throw new TRPCError({ code: 'FORBIDDEN', message: `${path} declares no role, so nobody may call it` });
  const verdict = checkAccess(await unlessStuck(ctx.principal(), PATIENCE_MS), meta.role);
  if (!verdict.ok) throw new TRPCError({ code: verdict.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', message: verdict.message });
  const caller = verdict.principal;
  const result = await (caller.workspaceId ? withWorkspace(caller.workspaceId, () => next({ ctx: { caller } }), caller) : next({ ctx: { caller } }));
  // Only a call that changed something is recorded: not a refusal, nor an answer that reports one as a value.
  if (meta.audit && result.ok && !changedNothing(result.data)) {
    const input = await getRawInput().catch(() => undefined);
    await recordAuditedCall(caller, meta.audit, { sources: [result.data, input], via: `trpc ${path}`, requestId: randomUUID() });
  }
  return result;
});

export const router = t.router;

/** A procedure callable with `role` or a stronger one; `audit` names the audit log action of a successful call. */
export function procedure(role: Requirement, audit?: AuditAction) {
  return t.procedure.meta({ role, audit }).use(mapServiceErrors).use(boundWaits).use(authorize);
}
/** For procedures that bound their own waits, because what they answer must match what they did (starting a run). */
export function selfBoundedProcedure(role: Requirement, audit?: AuditAction) {
  return t.procedure.meta({ role, audit }).use(mapServiceErrors).use(authorize);
}

export const createCallerFactory = t.createCallerFactory;
