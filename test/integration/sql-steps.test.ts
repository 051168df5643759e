import { describe, expect, it } from 'vitest';
import { http, step, waitForRun } from '../support/http';

// The SQL steps against the real stack: design-time descriptions behind PUT /pipelines and the editor's
// API, and queries that run in the locked-down DuckDB inside a pipeline run.

const csv = [
  'id,"Weight (kg)",Größe,note',
  '1,10.5,a,"say ""hi"""',
  '2,,b,ünïcødé',
  '3,7.25,,',
  '4,12,a,plain',
  '',
].join('\n');

function pipeline(name: string, nodes: { id: string; type: string; params?: Record<string, unknown> }[], edges: [string, string][]) {
  return {
    apiVersion: 'millrace/v1',
    name,
    nodes: [{ id: 'load', type: 'ingest.dataset', params: { dataset: 'sql-odd' } }, ...nodes],
    edges: [...edges.map(([from, to]) => ({ from, to }))],
  };
}

describe('SQL steps', () => {
  it('uploads the table the tests query', async () => {
    const res = await http('POST', '/api/v1/datasets?name=sql-odd', csv, { 'content-type': 'text/csv' });
    expect([200, 201]).toContain(res.status);
  });

  it.each([
    ['SELECT nope FROM input', /Referenced column "nope" not found/],
    ['SELECT * FORM input', /^Syntax error/],
    ["SELECT * FROM read_csv('/etc/passwd')", /Not allowed: Cannot access file "\/etc\/passwd"/],
    ["COPY input TO '/tmp/millrace-stolen.csv'", /not COPY/],
    ['INSTALL httpfs', /not INSTALL/],
    ['LOAD httpfs', /not LOAD/],
    ["ATTACH '/tmp/other.db'", /not ATTACH/],
    ["SET memory_limit = '64GB'", /not SET/],
  ])('refuses to save %s with 422, on the node and parameter', async (sql, message) => {
    const doc = pipeline('sql-refused', [{ id: 'q', type: 'prepare.sql', params: { sql } }], [['load.table', 'q.input']]);
    const res = await http('PUT', '/api/v1/pipelines/sql-refused', doc);
    expect(res.status).toBe(422);
    expect(res.data.errors).toEqual([expect.objectContaining({ code: 'invalid_sql', nodeId: 'q', path: 'params.sql', message: expect.stringMatching(message) })]);
  });

  it('says where in the SQL the error is', async () => {
    const doc = pipeline('sql-refused', [{ id: 'q', type: 'prepare.sql', params: { sql: 'SELECT *\nFROM input\nWHERE nope' } }], [['load.table', 'q.input']]);
    const res = await http('PUT', '/api/v1/pipelines/sql-refused', doc);
    expect(res.data.errors).toEqual([expect.objectContaining({ code: 'invalid_sql', position: 26 })]);
  });

  it('describes SQL for the editor through the UI API', async () => {
    const requests = [
      { sql: 'SELECT "Weight (kg)" * 2 AS w FROM input', tables: { input: [{ name: 'Weight (kg)', type: 'DOUBLE' }] } },
      { sql: 'SELECT x FROM input', tables: { input: [{ name: 'Weight (kg)', type: 'DOUBLE' }] } },
    ];
    const res = await http('GET', `/api/trpc/pipelines.describeSql?input=${encodeURIComponent(JSON.stringify({ json: { requests } }))}`);
    expect(res.status).toBe(200);
    const answers = res.data.result.data.json as [string, unknown][];
    expect(answers.map(([, a]) => a)).toEqual([
      { ok: true, columns: [{ name: 'w', type: 'DOUBLE' }] },
      { ok: false, message: expect.stringContaining('"x" not found'), position: 7 },
    ]);
    const injected = { sql: 'SELECT 1', tables: { input: [{ name: 'a', type: 'INTEGER); INSTALL httpfs; --' }] } };
    const refused = await http('GET', `/api/trpc/pipelines.describeSql?input=${encodeURIComponent(JSON.stringify({ json: { requests: [injected] } }))}`);
    expect(refused.status).toBe(400);
  });

  it('runs derive → filter → SQL, each step getting the columns the one before promised', async () => {
    const doc = pipeline(
      'sql-chain',
      [
        { id: 'grams', type: 'prepare.derive', params: { name: 'Weight (g)', expression: '"Weight (kg)" * 1000' } },
        { id: 'keep', type: 'prepare.filter', params: { conditions: [{ column: 'Weight (g)', op: '>', value: '8000' }], expression: "note <> 'plain'" } },
        { id: 'q', type: 'prepare.sql', params: { sql: 'SELECT id, "Weight (g)", Größe, note FROM input ORDER BY id' } },
        { id: 'split', type: 'prepare.split', params: { stratifyBy: 'Größe', testFraction: 0.5 } },
      ],
      [
        ['load.table', 'grams.table'],
        ['grams.table', 'keep.table'],
        ['keep.table', 'q.input'],
        ['q.table', 'split.table'],
      ],
    );
    const saved = await http('PUT', '/api/v1/pipelines/sql-chain', doc);
    expect(saved.status, JSON.stringify(saved.data)).toBe(200);
    const started = await http('POST', '/api/v1/pipelines/sql-chain/runs');
    expect(started.status).toBe(202);
    const run = await waitForRun(started.data.runId);
    expect(run.status, JSON.stringify(run.steps.map((s: any) => [s.nodeId, s.error]))).toBe('succeeded');
    // By hand: weights 10500, null, 7250, 12000; > 8000 keeps ids 1 and 4; note <> 'plain' drops 4.
    expect(step(run, 'grams').summary).toMatchObject({ column: 'Weight (g)', type: 'DOUBLE', rows: 4 });
    expect(step(run, 'keep').summary).toMatchObject({ rowsIn: 4, rowsKept: 1, rowsDropped: 3 });
    expect(step(run, 'q').summary).toMatchObject({ rows: 1, columns: 4 });
    // The run page gets the first rows to show.
    expect(step(run, 'q').summary.preview).toEqual({
      $visual: 'table',
      title: 'First rows',
      columns: ['id', 'Weight (g)', 'Größe', 'note'],
      rows: [[1, 10500, 'a', 'say "hi"']],
    });
    expect(step(run, 'keep').summary.preview.rows).toEqual([[1, 10.5, 'a', 'say "hi"', 10500]]);
    // Changing the query so a later step's column disappears is a compile error at the later step.
    const broken = structuredClone(doc);
    broken.nodes.find((n) => n.id === 'q')!.params = { sql: 'SELECT id FROM input' };
    const refused = await http('PUT', '/api/v1/pipelines/sql-chain', broken);
    expect(refused.status).toBe(422);
    expect(refused.data.errors).toEqual([expect.objectContaining({ code: 'unknown_column', nodeId: 'split', path: 'params.stratifyBy' })]);
  });

  it('stops a query that runs away at the step time limit and fails the step with a clear error', async () => {
    const doc = pipeline(
      'sql-runaway',
      [{ id: 'q', type: 'prepare.sql', params: { sql: 'SELECT count(*) AS n FROM input, range(1000000000000)', timeoutSeconds: 2 } }],
      [['load.table', 'q.input']],
    );
    expect((await http('PUT', '/api/v1/pipelines/sql-runaway', doc)).status).toBe(200);
    const started = await http('POST', '/api/v1/pipelines/sql-runaway/runs');
    const t0 = Date.now();
    const run = await waitForRun(started.data.runId, { timeoutMs: 60_000 });
    expect(run.status).toBe('failed');
    const q = step(run, 'q');
    expect(q.status).toBe('failed');
    expect(q.error).toMatch(/SQL: The query was stopped after 2 s/);
    expect(q.attempts).toBe(1);
    expect(Date.now() - t0).toBeLessThan(30_000);
  });
});
