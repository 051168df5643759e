import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { http, step, waitForRun } from '../support/http';

const exec = promisify(execFile);

async function millrace(...args: string[]) {
  try {
    const { stdout, stderr } = await exec(process.execPath, [path.resolve('server/cli/bin.mjs'), ...args], {
      env: { ...process.env, MILLRACE_URL: inject('baseUrl') },
      timeout: 240_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err: any) {
    return { code: err.code as number, stdout: err.stdout as string, stderr: err.stderr as string };
  }
}

// The seeded penguins dataset's rows, to know what a filter must keep.
const penguins = JSON.parse(await fs.readFile(path.resolve('node_modules/vega-datasets/data/penguins.json'), 'utf8')) as Record<string, unknown>[];
const heavierThan = (grams: number) => penguins.filter((p) => typeof p['Body Mass (g)'] === 'number' && (p['Body Mass (g)'] as number) > grams).length;

const doc = {
  apiVersion: 'millrace/v1',
  name: 'heavy-penguins',
  parameters: [
    { name: 'minMass', type: 'number', default: 4000, description: 'Keep penguins heavier than this (g)' },
    { name: 'source', type: 'dataset', default: 'penguins' },
  ],
  nodes: [
    { id: 'load', type: 'ingest.dataset', params: { dataset: { $param: 'source' } } },
    { id: 'heavy', type: 'prepare.filter', params: { conditions: [{ column: 'Body Mass (g)', op: '>', value: { $param: 'minMass' } }] } },
  ],
  edges: [{ from: 'load.table', to: 'heavy.table' }],
};

describe('pipeline parameters', () => {
  it('runs a pipeline with the values given through REST, the defaults otherwise, and keeps them on the run', async () => {
    const saved = await http('PUT', '/api/v1/pipelines/heavy-penguins', doc);
    expect(saved.status, JSON.stringify(saved.data)).toBe(200);

    const byDefault = await http('POST', '/api/v1/pipelines/heavy-penguins/runs', {});
    const given = await http('POST', '/api/v1/pipelines/heavy-penguins/runs', { params: { minMass: 5000 } });
    expect(byDefault.status, JSON.stringify(byDefault.data)).toBe(202);
    expect(given.status, JSON.stringify(given.data)).toBe(202);
    const a = await waitForRun(byDefault.data.runId);
    const b = await waitForRun(given.data.runId);
    expect(a.status).toBe('succeeded');
    expect(b.status).toBe('succeeded');
    expect(a.params).toEqual({ minMass: 4000, source: 'penguins' });
    expect(b.params).toEqual({ minMass: 5000, source: 'penguins' });
    expect(step(a, 'heavy').summary.rowsKept).toBe(heavierThan(4000));
    expect(step(b, 'heavy').summary.rowsKept).toBe(heavierThan(5000));
    expect(heavierThan(5000)).toBeLessThan(heavierThan(4000));
  });

  it('refuses unknown names and values of the wrong type with 422, naming the parameter, and starts nothing', async () => {
    const before = (await http('GET', '/api/v1/pipelines/heavy-penguins/runs')).data.runs.length;
    const wrongType = await http('POST', '/api/v1/pipelines/heavy-penguins/runs', { params: { minMass: 'heavy' } });
    expect(wrongType.status).toBe(422);
    expect(wrongType.data.errors).toContainEqual(
      expect.objectContaining({ code: 'invalid_parameter_value', path: 'parameters.minMass', message: 'Parameter "minMass" must be a number, got "heavy"' }),
    );
    const unknown = await http('POST', '/api/v1/pipelines/heavy-penguins/runs', { params: { minMas: 1 } });
    expect(unknown.status).toBe(422);
    expect(unknown.data.errors[0].message).toContain('no parameter "minMas"');
    const missingDataset = await http('POST', '/api/v1/pipelines/heavy-penguins/runs', { params: { source: 'no-such-data' } });
    expect(missingDataset.status).toBe(422);
    expect(missingDataset.data.errors).toContainEqual(expect.objectContaining({ nodeId: 'load', code: 'missing_dataset' }));
    const notAValue = await http('POST', '/api/v1/pipelines/heavy-penguins/runs', { params: { minMass: { nested: 1 } } });
    expect(notAValue.status).toBe(400);
    expect((await http('GET', '/api/v1/pipelines/heavy-penguins/runs')).data.runs.length).toBe(before);
  });

  it('passes --param values parsed by the declared type from the CLI', async () => {
    const res = await millrace('run', 'heavy-penguins', '--param', 'minMass=5500', '--wait');
    expect(res.code, res.stderr).toBe(0);
    const runId = /run ([0-9a-f-]{36}) of heavy-penguins/.exec(res.stdout)![1]!;
    const run = (await http('GET', `/api/v1/runs/${runId}`)).data;
    expect(run.params).toEqual({ minMass: 5500, source: 'penguins' });
    expect(step(run, 'heavy').summary.rowsKept).toBe(heavierThan(5500));

    const bad = await millrace('run', 'heavy-penguins', '--param', 'minMass=lots');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Parameter "minMass" must be a number, got "lots"');
    const malformed = await millrace('run', 'heavy-penguins', '--param', 'minMass');
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain('write it as name=value');
  });

  it('validates references offline with the CLI, naming the node and parameter path', async () => {
    const dir = await fs.mkdtemp(path.join(process.env.TMPDIR ?? '/tmp', 'millrace-params-'));
    const file = path.join(dir, 'bad.json');
    const bad = structuredClone(doc) as any;
    bad.nodes[1].params.conditions[0].column = { $param: 'minMass' };
    await fs.writeFile(file, JSON.stringify(bad));
    const res = await millrace('validate', file);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('node heavy, at params.conditions.0.column: params.conditions.0.column takes a column name, but pipeline parameter "minMass" is a number');
  });
});
