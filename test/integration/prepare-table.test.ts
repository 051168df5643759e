import { describe, expect, it } from 'vitest';
import { http, step, waitForRun } from '../support/http';

// The table steps in one pipeline on the real stack: each step's output must match the schema the
// compiler promised for it (the activity kit checks), on the seeded penguins dataset.

const node = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, params });

const pipeline = (name: string, castOnError: 'fail' | 'null') => ({
  apiVersion: 'millrace/v1',
  name,
  nodes: [
    node('load', 'ingest.dataset', { dataset: 'penguins' }),
    node('cols', 'prepare.select', { drop: ['Beak Depth (mm)'], moveFirst: ['Island'], rename: [{ from: 'Body Mass (g)', to: 'Mass (g)' }] }),
    node('types', 'prepare.cast', { casts: [{ column: 'Flipper Length (mm)', to: 'integer' }, { column: 'Sex', to: 'boolean' }], onError: castOnError }),
    node('uniq', 'prepare.dedupe'),
    node('some', 'prepare.sample', { size: 'rows', rows: 200, seed: 5 }),
    node('stats', 'prepare.aggregate', {
      groupBy: ['Species', 'Island'],
      aggregates: [{ fn: 'count' }, { fn: 'mean', column: 'Mass (g)' }, { fn: 'max', column: 'Flipper Length (mm)' }],
    }),
    node('both', 'prepare.join', { how: 'left', keys: [{ left: 'Species', right: 'Species' }, { left: 'Island', right: 'Island' }] }),
    node('split', 'prepare.split', { mode: 'time', timeColumn: 'Mass (g)', testFraction: 0.25 }),
  ],
  edges: [
    { from: 'load.table', to: 'cols.table' },
    { from: 'cols.table', to: 'types.table' },
    { from: 'types.table', to: 'uniq.table' },
    { from: 'uniq.table', to: 'some.table' },
    { from: 'some.table', to: 'stats.table' },
    { from: 'some.table', to: 'both.left' },
    { from: 'stats.table', to: 'both.right' },
    { from: 'both.table', to: 'split.table' },
  ],
});

async function runPipeline(doc: ReturnType<typeof pipeline>) {
  const saved = await http('PUT', `/api/v1/pipelines/${doc.name}`, doc);
  expect(saved.status, JSON.stringify(saved.data)).toBe(200);
  const started = await http('POST', `/api/v1/pipelines/${doc.name}/runs`);
  expect(started.status).toBe(202);
  return waitForRun(started.data.runId, { timeoutMs: 240_000 });
}

describe('table steps in a pipeline', () => {
  it('select → cast → dedupe → sample → aggregate → join → time split run, each output as compiled', async () => {
    const run = await runPipeline(pipeline('table-steps', 'null'));
    expect(run.status, JSON.stringify(run.steps.map((s: any) => [s.nodeId, s.status, s.error]))).toBe('succeeded');
    const types = step(run, 'types').summary;
    expect(types.valuesLeftEmpty).toBeGreaterThan(300); // every "MALE"/"FEMALE" is not a boolean
    expect(types.conversions).toMatchObject({ $visual: 'table', columns: ['Column', 'New type', 'Left empty'] });
    expect(step(run, 'uniq').summary.rows).toBeLessThanOrEqual(344);
    expect(step(run, 'some').summary.rows).toBe(200);
    expect(step(run, 'stats').summary).toMatchObject({ rows: 5, groupedBy: ['Species', 'Island'] });
    expect(step(run, 'both').summary.rows).toBe(200);
    expect(step(run, 'split').summary).toMatchObject({ trainRows: 150, testRows: 50, mode: 'time', timeColumn: 'Mass (g)' });
  });

  it('refuses a numeric aggregate of a text column when saving, on the parameter path', async () => {
    const doc = pipeline('table-steps-bad', 'null');
    doc.nodes.find((n) => n.id === 'stats')!.params.aggregates = [{ fn: 'sum', column: 'Island' }];
    const res = await http('PUT', `/api/v1/pipelines/${doc.name}`, doc);
    expect(res.status).toBe(422);
    expect(res.data.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ nodeId: 'stats', path: 'params.aggregates.0.column', message: expect.stringContaining('VARCHAR, not a number') }),
      ]),
    );
  });

  it('stops a cast at the first value that does not convert, naming column, row and value', async () => {
    const run = await runPipeline(pipeline('table-steps-strict', 'fail'));
    expect(run.status).toBe('failed');
    const types = step(run, 'types');
    expect(types.status).toBe('failed');
    expect(types.error).toContain('Column "Sex", row 1: the value "MALE" does not convert to boolean');
    expect(types.attempts).toBe(1);
  });
});
