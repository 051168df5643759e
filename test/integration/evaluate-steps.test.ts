import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { BLOCKED_PIPELINE, EVALUATE_PIPELINE } from '../support/evaluate-pipeline';
import { http, step, waitForRun } from '../support/http';

// Data checks, evaluation, comparison and export in one real run: Temporal, Postgres, DuckDB, the Python fitter.

const penguins = JSON.parse(await fs.readFile(path.resolve('node_modules/vega-datasets/data/penguins.json'), 'utf8')) as Record<string, unknown>[];
/** 1-based row numbers of the penguins without a beak length. */
const nullBeaks = penguins.flatMap((p, i) => (p['Beak Length (mm)'] === null ? [i + 1] : []));

async function runPipeline(doc: { name: string }) {
  const saved = await http('PUT', `/api/v1/pipelines/${doc.name}`, doc);
  expect(saved.status, JSON.stringify(saved.data)).toBe(200);
  const started = await http('POST', `/api/v1/pipelines/${doc.name}/runs`);
  expect(started.status, JSON.stringify(started.data)).toBe(202);
  return waitForRun(started.data.runId, { timeoutMs: 300_000 });
}

describe('data checks, evaluation, comparison and export in a pipeline', () => {
  let run: any;

  it('runs every step; warnings do not stop the pipeline', async () => {
    run = await runPipeline(EVALUATE_PIPELINE);
    for (const s of run.steps) expect(s.status, `${s.nodeId}: ${s.error ?? ''}`).toBe('succeeded');
  });

  it('reports each expectation with its failing rows, the same rows as the data says', () => {
    const check = step(run, 'check').summary;
    expect(check).toMatchObject({ rows: 344, expectationsMet: 3, expectationsFailed: 0, expectationsWarned: 2 });
    expect(check.expectations.rows.map((r: unknown[]) => r[1])).toEqual(['passed', 'passed', 'passed', 'warning', 'warning']);
    const outOfRange = penguins.flatMap((p, i) => {
      const m = p['Body Mass (g)'] as number | null;
      return m !== null && (m < 3000 || m > 6000) ? [i + 1] : [];
    });
    expect(nullBeaks.length).toBe(2);
    expect(check.failingRows1).toMatchObject({ $visual: 'table', columns: ['Row', 'Beak Length (mm)', 'Species', 'Island', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'] });
    expect(check.failingRows1.rows.map((r: unknown[]) => r[0])).toEqual(nullBeaks);
    expect(check.expectations.rows[4][2]).toBe(outOfRange.length);
    expect(check.failingRows2.rows.map((r: unknown[]) => r[0])).toEqual(outOfRange.slice(0, 10));
  });

  it('evaluates classification with probabilities and curves, regression with MAPE and residuals', () => {
    const evalSummary = step(run, 'eval').summary;
    for (const k of ['accuracy', 'f1_macro', 'roc_auc', 'average_precision', 'log_loss']) expect(typeof evalSummary[k], k).toBe('number');
    expect(evalSummary.roc_auc).toBeGreaterThan(0.9);
    expect(evalSummary.roc.series.map((s: any) => s.name)).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(evalSummary.perClass.rows.map((r: unknown[]) => r[0])).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(evalSummary.perClass.rows.reduce((s: number, r: unknown[]) => s + (r[4] as number), 0)).toBe(evalSummary.rows);
    const mass = step(run, 'evalMass').summary;
    expect(mass.mape).toBeGreaterThan(0);
    expect(mass.mape).toBeLessThan(0.2);
    expect(mass.residuals.$visual).toBe('scatter');
    expect(mass.residuals.points.length).toBe(mass.rows);
  });

  it('compares the two classifiers and names the one with the lower log loss', () => {
    const compare = step(run, 'compare').summary;
    expect(compare.rankedBy).toBe('log_loss');
    const [forest, logistic] = compare.comparison.rows;
    const col = compare.comparison.columns.indexOf('Log loss');
    // Model versions count up with each run of the pipeline (other test files may run it too).
    expect(forest[0]).toMatch(/^penguin-checks\.forest v\d+$/);
    expect(logistic[0]).toMatch(/^penguin-checks\.logistic v\d+$/);
    expect(compare.best).toBe(forest[col] <= logistic[col] ? forest[0] : logistic[0]);
    expect(compare.ranking.items.map((i: any) => i.label)).toEqual([forest[0], logistic[0]]);
    // The best model and its metrics flow on: through a gate to a deployed endpoint.
    expect(step(run, 'gate').summary.passed).toBe(true);
    const ship = step(run, 'ship').summary;
    expect(`${ship.model} v${ship.modelVersion}`).toBe(compare.best);
  });

  it('serves the exported CSV as a download with its name and type', async () => {
    const res = await fetch(`${inject('baseUrl')}/api/v1/runs/${run.runId}/steps/export/file`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="penguins checked.csv"; filename*=UTF-8''penguins%20checked.csv`);
    const lines = (await res.text()).trimEnd().split('\n');
    expect(lines[0]).toBe(Object.keys(penguins[0]!).join(','));
    expect(lines.length).toBe(345);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(penguins.map((p) => p.Species));
  });

  it('answers 404 with a reason for a step without a file, and documents the route', async () => {
    const res = await http('GET', `/api/v1/runs/${run.runId}/steps/eval/file`);
    expect(res.status).toBe(404);
    expect(res.data.error).toBe(`Step "eval" of run ${run.runId} has no exported file (status: succeeded)`);
    expect((await http('GET', `/api/v1/runs/${run.runId}/steps/nope/file`)).status).toBe(404);
    const doc = await http('GET', '/api/v1/openapi.json');
    expect(Object.keys(doc.data.paths['/api/v1/runs/{runId}/steps/{nodeId}/file'].get.responses['200'].content)).toEqual(['text/csv', 'application/vnd.apache.parquet']);
  });

  it('stops the steps after a failing expectation, as a failed gate does', async () => {
    const blocked = await runPipeline(BLOCKED_PIPELINE);
    const check = step(blocked, 'check');
    expect(check.status).toBe('failed');
    expect(check.error).toBe('Data checks failed: "Beak Length (mm)" is never null (2 of 344 rows (0.581 %))');
    expect(check.summary.failingRows1.rows.map((r: unknown[]) => r[0])).toEqual(nullBeaks);
    expect(step(blocked, 'export').status).toBe('skipped');
    expect((await http('GET', `/api/v1/runs/${blocked.runId}/steps/export/file`)).status).toBe(404);
  });
});
