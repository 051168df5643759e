import { describe, expect, it } from 'vitest';
import { auditTargetOf, changedNothing } from '../../server/auth/audit';
import { AUDIT_ACTIONS } from '../../server/auth/audit-actions';
import { auditCsvLine, csvCell, csvLine } from '../../server/auth/audit-csv';
import { assertGrantable, RoleAboveCaller } from '../../server/auth/tokens';
import { ROLES } from '../../server/auth/roles';

describe('audit targets', () => {
  it('names the run a start answered with, before anything in the input', () => {
    const t = auditTargetOf('run.started', [{ runId: 'run-2', version: 3 }, { pipeline: 'churn', runId: 'other' }]);
    expect(t).toEqual({ kind: 'run', target: 'run-2', details: { pipeline: 'churn', version: 3 } });
  });

  it('names a schedule within its pipeline', () => {
    expect(auditTargetOf('schedule.changed', [undefined, { pipeline: 'churn', schedule: { name: 'nightly', cron: '0 3 * * *' } }]).target).toBe('churn/nightly');
    expect(auditTargetOf('schedule.changed', [null, { pipeline: 'churn', name: 'nightly', paused: true }])).toMatchObject({
      target: 'churn/nightly',
      details: { paused: true },
    });
  });

  it('names the schedule asked to run now, which answers no run id', () => {
    expect(auditTargetOf('run.started', [undefined, { pipeline: 'churn', name: 'nightly' }])).toMatchObject({ kind: 'schedule', target: 'churn/nightly' });
  });

  it('reads a pipeline name from a saved document when the answer has none', () => {
    expect(auditTargetOf('pipeline.saved', [undefined, { document: { name: 'churn', nodes: [] } }]).target).toBe('churn');
  });

  it('keeps secrets, documents, comments and URLs out of the details', () => {
    const t = auditTargetOf('token.created', [
      { id: 'a1', name: 'ci', role: 'editor', prefix: 'mrt_abcdefgh', token: 'mrt_secret' },
      { name: 'ci', role: 'editor', password: 'hunter2', url: 'https://hooks.example/T0/secret', comment: 'x', document: { a: 1 } },
    ]);
    expect(t).toEqual({ kind: 'token', target: 'a1', details: { name: 'ci', role: 'editor', prefix: 'mrt_abcdefgh' } });
    expect(JSON.stringify(t)).not.toMatch(/secret|hunter2|hooks\.example/);
  });

  it('clips long values', () => {
    const t = auditTargetOf('model.promoted', [{ name: 'm'.repeat(1000), alias: 'a'.repeat(500) }]);
    expect((t.details.alias as string).length).toBeLessThanOrEqual(201);
  });

  it('has a target kind for every action', () => {
    for (const action of AUDIT_ACTIONS) expect(auditTargetOf(action, []).kind).toMatch(/^[a-z]+$/);
  });

  it('treats a refusal, an unchanged save and a repeated start as no change', () => {
    expect(changedNothing({ ok: false, errors: [] })).toBe(true);
    expect(changedNothing({ ok: true, name: 'x' })).toBe(false);
    expect(changedNothing(undefined)).toBe(false);
    expect(changedNothing({ ok: true, name: 'x', version: 3, created: false })).toBe(true);
    expect(changedNothing({ ok: true, runId: 'r', existing: true })).toBe(true);
    expect(changedNothing({ ok: true, runId: 'r', existing: false })).toBe(false);
  });
});

describe('audit CSV', () => {
  it('escapes cells a spreadsheet would run as formulas', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${start}HYPERLINK("x")`).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('plain')).toBe('plain');
  });

  it('quotes commas, quotes and line breaks', () => {
    expect(csvLine(['a,b', 'say "hi"', 'two\nlines', null, 7])).toBe('"a,b","say ""hi""","two\nlines",,7\r\n');
  });

  it('writes one line per event with the details as JSON', () => {
    const line = auditCsvLine({
      id: 1,
      at: new Date('2026-01-02T03:04:05Z'),
      actorKind: 'token',
      actorId: 't',
      actorLabel: '=cmd|calc',
      action: 'run.started',
      targetKind: 'run',
      target: 'r1',
      details: { pipeline: 'churn' },
      ip: '127.0.0.1',
      userAgent: 'curl/8',
      requestId: 'q',
    });
    expect(line).toBe(`2026-01-02T03:04:05.000Z,token,'=cmd|calc,run.started,run,r1,"{""pipeline"":""churn""}",127.0.0.1,curl/8,q\r\n`);
  });
});

describe('token roles', () => {
  it('lets a maker grant their own role or a weaker one, never a stronger one', () => {
    for (const [i, maker] of ROLES.entries()) {
      for (const [j, role] of ROLES.entries()) {
        if (j <= i) expect(() => assertGrantable(maker, role)).not.toThrow();
        else expect(() => assertGrantable(maker, role)).toThrow(RoleAboveCaller);
      }
    }
  });
});

describe('OpenAPI', () => {
  it('documents who-am-I and the audit export', async () => {
    const { openApiDocument } = await import('../../server/rest/openapi');
    const paths = openApiDocument().paths as Record<string, { get?: { responses: Record<string, unknown> } }>;
    expect(Object.keys(paths['/api/v1/me']!.get!.responses)).toEqual(expect.arrayContaining(['200', '401']));
    expect(Object.keys(paths['/api/v1/audit.csv']!.get!.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '400']));
  });
});
