import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);

async function millrace(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.resolve('server/cli/bin.mjs'), ...args], {
      env: { ...process.env, MILLRACE_URL: inject('baseUrl') },
      timeout: 240_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err: any) {
    return { code: err.code as number, stdout: err.stdout as string, stderr: err.stderr as string };
  }
}

describe('millrace CLI', () => {
  it('validates a document offline and names the node of each error', async () => {
    const ok = await millrace('validate', 'server/examples/penguin-species.json');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('6 steps');
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-cli-'));
    const bad = path.join(dir, 'bad.json');
    await fs.writeFile(bad, JSON.stringify({ apiVersion: 'millrace/v1', name: 'bad', nodes: [{ id: 'fit', type: 'train.random_forest' }], edges: [] }));
    const res = await millrace('validate', bad);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('node fit');
    expect(res.stderr).toContain('params.target');
    const missing = await millrace('validate', path.join(dir, 'nope.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
  });

  it('pushes a dataset, applies a pipeline and runs it to success with --wait', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-cli-'));
    const csvFile = path.join(dir, 'cars.csv');
    // Real data: vega-datasets cars, as CSV with awkward column names.
    const cars = JSON.parse(await fs.readFile(path.resolve('node_modules/vega-datasets/data/cars.json'), 'utf8')) as Record<string, unknown>[];
    const cols = ['Miles_per_Gallon', 'Cylinders', 'Horsepower', 'Weight_in_lbs', 'Origin'];
    const header = ['MPG (miles/gal)', 'Cylinders', 'Horse "power"', 'Weight', 'Origin'];
    const csv = [header.map((h) => `"${h.replaceAll('"', '""')}"`).join(','), ...cars.map((c) => cols.map((k) => c[k] ?? '').join(','))].join('\n');
    await fs.writeFile(csvFile, csv);
    const pushed = await millrace('dataset', 'push', csvFile, '--name', 'cars-cli');
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stdout).toContain(`${cars.length} rows`);
    const missing = await millrace('dataset', 'push', path.join(dir, 'nope.csv'), '--name', 'cars-cli');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.csv: no such file');
    const ragged = path.join(dir, 'ragged.csv');
    await fs.writeFile(ragged, 'a,b\n1,2\n3\n');
    const refused = await millrace('dataset', 'push', ragged, '--name', 'ragged-cli');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('line 3 has 1 value, expected 2');

    const doc = {
      apiVersion: 'millrace/v1',
      name: 'cars-mpg',
      nodes: [
        { id: 'load', type: 'ingest.dataset', params: { dataset: 'cars-cli' } },
        { id: 'split', type: 'prepare.split', params: { testFraction: 0.25, seed: 3 } },
        { id: 'fit', type: 'train.linear_regression', params: { target: 'MPG (miles/gal)' } },
        { id: 'eval', type: 'validate.evaluate' },
      ],
      edges: [
        { from: 'load.table', to: 'split.table' },
        { from: 'split.train', to: 'fit.table' },
        { from: 'fit.model', to: 'eval.model' },
        { from: 'split.test', to: 'eval.table' },
      ],
    };
    const file = path.join(dir, 'cars-mpg.json');
    await fs.writeFile(file, JSON.stringify(doc));
    const applied = await millrace('apply', file);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('saved version 1');

    const ran = await millrace('run', 'cars-mpg', '--wait');
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/fit\s+succeeded/);
    expect(ran.stdout).toMatch(/rowsUsed=\d+/);
    expect(ran.stdout).toMatch(/r2=0\.[6-9]/);
    expect(ran.stdout).toMatch(/: succeeded$/m);
  });

  it('exits non-zero when the run fails', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-cli-'));
    const doc = {
      apiVersion: 'millrace/v1',
      name: 'cars-broken',
      nodes: [
        { id: 'load', type: 'ingest.dataset', params: { dataset: 'no-such-dataset' } },
        { id: 'split', type: 'prepare.split', params: {} },
      ],
      edges: [{ from: 'load.table', to: 'split.table' }],
    };
    const file = path.join(dir, 'cars-broken.json');
    await fs.writeFile(file, JSON.stringify(doc));
    // Saving a pipeline whose dataset does not exist yet is allowed, with a warning; running it is not.
    const applied = await millrace('apply', file);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/warning: .*load.*Dataset "no-such-dataset" does not exist/);
    const ran = await millrace('run', 'cars-broken', '--wait');
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/load.*Dataset "no-such-dataset" does not exist/);
  });

  it('says when a gate kept the model from being deployed, and --fail-on-gate turns that into exit code 2', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-cli-'));
    const example = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8')) as {
      nodes: { id: string; params: Record<string, unknown> }[];
    };
    const doc = {
      ...example,
      name: 'gate-blocks-cli',
      nodes: example.nodes.map((n) =>
        n.id === 'gate'
          ? { ...n, params: { rules: [{ metric: 'accuracy', op: '>=', value: 0.9999 }] } }
          : n.id === 'ship'
            ? { ...n, params: { endpoint: 'gate-blocks-cli' } }
            : n,
      ),
    };
    const file = path.join(dir, 'gate.json');
    await fs.writeFile(file, JSON.stringify(doc));
    expect((await millrace('apply', file)).code).toBe(0);

    const plain = await millrace('run', 'gate-blocks-cli', '--wait');
    expect(plain.code, plain.stdout + plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/: succeeded$/m);
    expect(plain.stdout).toContain('not deployed by ship: gate failed ("gate")');

    const strict = await millrace('run', 'gate-blocks-cli', '--wait', '--fail-on-gate');
    expect(strict.code, strict.stdout + strict.stderr).toBe(2);
    const runId = /run ([0-9a-f-]{36}) of/.exec(strict.stdout)![1]!;
    const view = (await (await fetch(`${inject('baseUrl')}/api/v1/runs/${runId}`)).json()) as { status: string; notDeployed: unknown[] };
    expect(view.status).toBe('succeeded');
    expect(view.notDeployed).toEqual([{ nodeId: 'ship', cause: 'gate', reason: 'gate failed ("gate")' }]);
    const list = (await (await fetch(`${inject('baseUrl')}/api/v1/runs?pipeline=gate-blocks-cli`)).json()) as { runs: { gateBlocked: boolean }[] };
    expect(list.runs.map((r) => r.gateBlocked)).toEqual([true, true]);

    // A passing gate: deployed, exit 0 even with --fail-on-gate.
    await fs.writeFile(file, JSON.stringify({ ...doc, nodes: doc.nodes.map((n) => (n.id === 'gate' ? { ...n, params: { rules: [{ metric: 'accuracy', op: '>=', value: 0.5 }] } } : n)) }));
    expect((await millrace('apply', file)).code).toBe(0);
    const passing = await millrace('run', 'gate-blocks-cli', '--wait', '--fail-on-gate');
    expect(passing.code, passing.stdout + passing.stderr).toBe(0);
    expect(passing.stdout).not.toContain('not deployed');
  });
});
