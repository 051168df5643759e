import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../server/auth/audit-actions';
import { ROLES } from '../../server/auth/roles';
import { openApiDocument } from '../../server/rest/openapi';
import { declaredAccess, type RouteAccess } from '../../server/rest/route';
import { appRouter } from '../../server/trpc/router';

// Every procedure of the UI's API and every REST route declares who may call it, read from the router
// itself and from the route files on disk, so a procedure or route added later without a role fails here.

interface ProcedureDef {
  _def: { type: 'query' | 'mutation' | 'subscription'; meta?: { role?: string; audit?: string } };
}
// At run time `_def.procedures` is flat: "runs.start" → procedure (its static type is the nested routers).
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, ProcedureDef>);

describe('declared access of tRPC procedures', () => {
  it('finds the procedures', () => {
    expect(procedures.length).toBeGreaterThan(50);
  });

  it.each(procedures)('%s declares a role, or signed in', (_path, procedure) => {
    expect([...ROLES, 'signedIn']).toContain(procedure._def.meta?.role);
  });

  it.each(procedures.filter(([, p]) => p._def.type === 'mutation'))('mutation %s needs editor or more, unless it only marks notifications read', (path, procedure) => {
    if (path === 'notifications.markRead') return;
    expect(['editor', 'deployer', 'admin']).toContain(procedure._def.meta?.role);
  });

  it('names only known audit actions', () => {
    for (const [, procedure] of procedures) {
      const audit = procedure._def.meta?.audit;
      if (audit !== undefined) expect(AUDIT_ACTIONS).toContain(audit);
    }
  });
});

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Every app/api/**\/route.ts, as its URL path (`[name]` stays) and file. */
function routeFiles(dir = path.resolve('app/api')): { url: string; file: string }[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    if (entry.name !== 'route.ts') return [];
    return [{ url: '/' + path.relative(path.resolve('app'), path.dirname(full)).split(path.sep).join('/'), file: full }];
  });
}

const routes = await Promise.all(
  routeFiles().map(async ({ url, file }) => ({ url, module: (await import(pathToFileURL(file).href)) as Record<string, unknown> })),
);
const methods = routes.flatMap(({ url, module }) =>
  HTTP_METHODS.filter((m) => m in module).map((method) => ({ name: `${method} ${url}`, url, method, access: declaredAccess(module[method]) })),
);

describe('declared access of REST routes', () => {
  it('finds the route files, each exporting at least one method', () => {
    expect(routes.length).toBeGreaterThan(45);
    for (const { url, module } of routes) expect(HTTP_METHODS.some((m) => m in module), url).toBe(true);
  });

  it.each(methods.map((m) => [m.name, m] as const))('%s is made with route() and declares its access', (_name, { access }) => {
    expect(access).toBeDefined();
    const a = access as RouteAccess;
    if ('public' in a) expect(a.public.length, 'a public route says why it is open').toBeGreaterThan(20);
    else if ('role' in a) expect([...ROLES, 'signedIn']).toContain(a.role);
    else expect('predict' in a || 'hook' in a).toBe(true);
  });

  it('opens only the routes meant to be open', () => {
    const kind = (a: RouteAccess | undefined) => (!a ? 'none' : 'public' in a ? 'public' : 'predict' in a ? 'predict' : 'hook' in a ? 'hook' : 'role');
    expect(methods.filter((m) => kind(m.access) !== 'role').map((m) => `${m.name}: ${kind(m.access)}`).sort()).toEqual([
      'GET /api/auth/[...all]: public',
      'GET /api/health: public',
      'GET /api/trpc/[trpc]: public',
      'GET /api/v1/invitations/[id]: public',
      'GET /api/v1/openapi.json: public',
      'POST /api/auth/[...all]: public',
      'POST /api/trpc/[trpc]: public',
      'POST /api/v1/endpoints/[name]/predict: predict',
      'POST /api/v1/hooks/[id]: hook',
      'POST /api/v1/invitations/[id]/accept: public',
      'POST /api/v1/setup: public',
    ]);
  });

  it('needs editor or more for every change, and names only known audit actions', () => {
    for (const { name, method, access } of methods) {
      if (!access || !('role' in access)) continue;
      if (method !== 'GET' && method !== 'HEAD') expect(['editor', 'deployer', 'admin'], name).toContain(access.role);
      if (access.audit !== undefined) expect(AUDIT_ACTIONS, name).toContain(access.audit);
    }
  });

  it('says in the OpenAPI document which credential each documented operation needs', () => {
    const doc = openApiDocument() as unknown as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    let checked = 0;
    for (const { url, method, access } of methods) {
      const op = doc.paths[url.replace(/\[([^\]]+)\]/g, '{$1}')]?.[method.toLowerCase()];
      if (!op || !access) continue;
      checked++;
      if ('public' in access) expect(op.security, url).toEqual([]);
      else if ('hook' in access) expect(op.security, url).toEqual([{ hookToken: [] }]);
      else if ('predict' in access) expect(op.security, url).toEqual([{}, { bearerAuth: [] }]);
      else expect(op.security, `${method} ${url}`).toEqual([{ bearerAuth: [] }]);
    }
    expect(checked).toBeGreaterThan(30);
  });
});
