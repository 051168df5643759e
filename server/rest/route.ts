import { checkAccess } from '../auth/access';
import type { AuditAction } from '../auth/audit-actions';
import { changedNothing, recordAuditedCall } from '../auth/audit';
import type { Access } from '../auth/context';
import { authenticate, type Principal } from '../auth/principal';
import { unlessStuck } from '../infra/dependencies';
import { withWorkspace } from '../infra/workspace';
import { DEFAULT_PATIENCE_MS, HttpError, handle, refuseUnsafeRequest, type RouteParams } from './http';

// Every REST route is `export const GET = route(access, handler)`: the wrapper authenticates the caller,
// checks the role the route declares (401/403 before the handler reads anything of the request), runs the
// handler in the caller's workspace (currentWorkspaceId()), and answers errors the way `handle` does. The
// declared access stays on the exported function, so tests can walk app/api and find any route that declares none.

/** Who may call a route that needs no credential, and why it is open. */
export interface PublicAccess {
  public: string;
}
/**
 * POST /api/v1/endpoints/{name}/predict: open or token-only per endpoint (`endpoints.access`). The handler
 * decides with `authorizePredict` (server/rest/predict-access.ts), the same check the web server's fast path makes.
 */
export interface PredictAccess {
  predict: true;
}
/** A webhook trigger's route: no account; the trigger's own token is the credential, checked by the handler. */
export interface HookAccess {
  hook: true;
}
export type RouteAccess = Access | PublicAccess | PredictAccess | HookAccess;

export const ACCESS = Symbol.for('millrace.routeAccess');

export type RouteHandler<P> = ((req: Request, context: RouteParams<P>) => Promise<Response>) & { [ACCESS]: RouteAccess };

type Handler<C, P> = (req: Request, ctx: { caller: C; params: P }) => Promise<Response>;

interface Options {
  /** As for `handle`: null for handlers that bound their own waits. */
  patienceMs?: number | null;
  /** For a route proxy.ts skips (big bodies): run the request guard here, before the caller is checked. */
  guard?: boolean;
}

export function route<P = Record<string, never>>(
  access: Access,
  handler: Handler<Principal, P>,
  opts?: Options,
): RouteHandler<P>;
export function route<P = Record<string, never>>(
  access: PublicAccess | PredictAccess | HookAccess,
  handler: Handler<null, P>,
  opts?: Options,
): RouteHandler<P>;
export function route<P>(
  access: RouteAccess,
  handler: Handler<Principal, P> | Handler<null, P>,
  opts: Options = {},
): RouteHandler<P> {
  // The overloads pair a public access with a handler that gets no caller, and a role with one that does.
  const call = handler as Handler<Principal | null, P>;
  if ('predict' in access) {
    // answerPredict answers every outcome itself, with the caller's X-Request-Id, as the fast path does.
    return Object.assign(async (req: Request, context: RouteParams<P>) => call(req, { caller: null, params: await context.params }), { [ACCESS]: access });
  }
  const run = (req: Request, context: RouteParams<P>) => {
    const refused = opts.guard ? refuseUnsafeRequest(req) : undefined;
    if (refused) return Promise.resolve(refused);
    return handle(async (requestId) => {
      const params = await context.params;
      if ('public' in access || 'hook' in access) return call(req, { caller: null, params });
      // Bounded even for routes that bound their own waits (patienceMs null): the lookup is ours, not theirs.
      const verdict = checkAccess(await unlessStuck(authenticate(req.headers), DEFAULT_PATIENCE_MS), access.role);
      if (!verdict.ok) throw new HttpError(verdict.status, verdict.message, verdict.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
      const caller = verdict.principal;
      const res = await (caller.workspaceId ? withWorkspace(caller.workspaceId, () => call(req, { caller, params }), caller) : call(req, { caller, params }));
      if (access.audit && res.ok) await auditRoute(req, res, caller, access.audit, params, requestId);
      return res;
    }, opts);
  };
  return Object.assign(run, { [ACCESS]: access });
}

/** The audit row of a successful call; the target is found in the JSON answer or the path parameters. */
async function auditRoute(req: Request, res: Response, caller: Principal, action: AuditAction, params: unknown, requestId: string): Promise<void> {
  const answer = (res.headers.get('content-type') ?? '').startsWith('application/json') ? await res.clone().json().catch(() => undefined) : undefined;
  if (changedNothing(answer)) return;
  await recordAuditedCall(caller, action, { sources: [answer, params], via: `${req.method} ${new URL(req.url).pathname}`, requestId });
}

/** The access a route handler declares, if it was made with `route`. */
export function declaredAccess(handler: unknown): RouteAccess | undefined {
  return typeof handler === 'function' ? (handler as Partial<RouteHandler<unknown>>)[ACCESS] : undefined;
}
