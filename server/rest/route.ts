import { checkAccess } from '../auth/access';
import type { Access } from '../auth/context';
import { authenticate, type Principal } from '../auth/principal';
import { withWorkspace } from '../infra/workspace';
import { HttpError, handle, type RouteParams } from './http';

// Every REST route is `export const GET = route(access, handler)`: the wrapper authenticates the caller,
// checks the role the route declares (401/403 before the handler reads anything of the request), runs the
// handler in the caller's workspace (currentWorkspaceId()), and answers errors the way `handle` does. The
// declared access stays on the exported function, so tests can walk app/api and find any route that declares none.

/** Who may call a route that needs no credential, and why it is open. */
export interface PublicAccess {
  public: string;
}
export type RouteAccess = Access | PublicAccess;

export const ACCESS = Symbol.for('millrace.routeAccess');

export type RouteHandler<P> = ((req: Request, context: RouteParams<P>) => Promise<Response>) & { [ACCESS]: RouteAccess };

type Handler<C, P> = (req: Request, ctx: { caller: C; params: P }) => Promise<Response>;

interface Options {
  /** As for `handle`: null for handlers that bound their own waits. */
  patienceMs?: number | null;
}

export function route<P = Record<string, never>>(
  access: Access,
  handler: Handler<Principal, P>,
  opts?: Options,
): RouteHandler<P>;
export function route<P = Record<string, never>>(
  access: PublicAccess,
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
  const run = (req: Request, context: RouteParams<P>) =>
    handle(async () => {
      const params = await context.params;
      if ('public' in access) return call(req, { caller: null, params });
      const verdict = checkAccess(await authenticate(req.headers), access.role);
      if (!verdict.ok) throw new HttpError(verdict.status, verdict.message, verdict.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
      const caller = verdict.principal;
      return caller.workspaceId ? withWorkspace(caller.workspaceId, () => call(req, { caller, params }), caller) : call(req, { caller, params });
    }, { ...opts, scoped: true });
  return Object.assign(run, { [ACCESS]: access });
}

/** The access a route handler declares, if it was made with `route`. */
export function declaredAccess(handler: unknown): RouteAccess | undefined {
  return typeof handler === 'function' ? (handler as Partial<RouteHandler<unknown>>)[ACCESS] : undefined;
}
