import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../server/auth/audit-actions';
import { ROLES } from '../../server/auth/roles';
import { appRouter } from '../../server/trpc/router';

// Every procedure of the UI's API declares who may call it, read from the router itself, so a procedure
// added later without a role fails here. (The REST half follows once every route file uses route().)

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
