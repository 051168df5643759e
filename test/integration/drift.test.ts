import { describe, expect, it } from 'vitest';
import { DRIFT_PIPELINE, node, place } from '../support/drift-pipeline';
import { http, step, waitForRun } from '../support/http';

// monitor.drift in real runs (Temporal, Postgres, DuckDB) on the weather sample: Seattle against New York
// is a shifted slice, one half of Seattle against the other is not.

async function runPipeline(doc: { name: string }) {
  const saved = await http('PUT', `/api/v1/pipelines/${doc.name}`, doc);
  expect(saved.status, JSON.stringify(saved.data)).toBe(200);
  const started = await http('POST', `/api/v1/pipelines/${doc.name}/runs`);
  expect(started.status, JSON.stringify(started.data)).toBe(202);
  return waitForRun(started.data.runId, { timeoutMs: 240_000 });
}

describe('monitor.drift in a pipeline', () => {
  it('finds drift on a shifted slice and none on an unshifted one, with a report, metrics and pictures', async () => {
    const run = await runPipeline(DRIFT_PIPELINE);
    expect(run.status, JSON.stringify(run.steps.map((s: any) => [s.nodeId, s.status, s.error]))).toBe('succeeded');

    const shifted = step(run, 'shifted').summary;
    expect(shifted).toMatchObject({ datasetDrift: true, features: 5, referenceRows: 1461, currentRows: 1461, numericMethod: 'Wasserstein (normalised)' });
    expect(shifted.driftedFeatures).toBeGreaterThanOrEqual(3);
    expect(shifted.drift).toMatchObject({ $visual: 'table', columns: ['Feature', 'Type', 'Method', 'Score', 'Threshold', 'Drifted', 'Nulls (reference)', 'Nulls (current)'] });
    // date is a DATE: not a feature drift is measured on; location was left out.
    expect(shifted.drift.rows.map((r: unknown[]) => r[0]).sort()).toEqual(['precipitation', 'temp_max', 'temp_min', 'weather', 'wind']);
    const temp = shifted.drift.rows.find((r: unknown[]) => r[0] === 'temp_min');
    expect(temp.slice(2, 6)).toEqual(['Wasserstein (normalised)', expect.any(Number), 0.1, true]);
    // Per feature, reference against current: a histogram for numbers, category bars for text.
    const overlays = Object.entries(shifted).filter(([k]) => k.startsWith('distribution')).map(([, v]) => v as any);
    expect(overlays).toHaveLength(5);
    const weather = overlays.find((v) => v.title.startsWith('weather'));
    expect(weather).toMatchObject({ $visual: 'bars', series: ['Reference', 'Current'] });
    expect(weather.items.map((i: any) => i.label)).toContain('snow');
    const wind = overlays.find((v) => v.title.startsWith('wind'));
    expect(wind).toMatchObject({ $visual: 'lines', x: 'wind' });
    expect(wind.series.map((s: any) => s.name)).toEqual(['Reference', 'Current']);

    const unshifted = step(run, 'unshifted').summary;
    expect(unshifted).toMatchObject({ datasetDrift: false, driftedFeatures: 0, features: 4, numericMethod: 'Kolmogorov–Smirnov p-value', categoricalMethod: 'Chi-squared p-value' });
    expect(unshifted.referenceRows + unshifted.currentRows).toBe(1461);
    // The prediction column (here the kind of weather) is compared on its own, not among the features.
    expect(unshifted.drift.rows.map((r: unknown[]) => r[0])).not.toContain('weather');
    expect(unshifted.predictionDrift.rows).toEqual([['weather', 'VARCHAR', 'Chi-squared p-value', expect.any(Number), 0.05, false, 0, 0]]);
    expect(unshifted.predictionDistribution).toMatchObject({ $visual: 'bars', series: ['Reference', 'Current'] });
    // The metrics port feeds a gate: no dataset drift and no prediction drift, so it passes.
    expect(step(run, 'stable').summary.passed).toBe(true);
  });

  it('fails the step on an empty current table, saying so on the node', async () => {
    const doc = {
      ...DRIFT_PIPELINE,
      name: 'weather-drift-empty',
      nodes: [node('load', 'ingest.sample', { sample: 'weather' }), node('seattle', 'prepare.filter', place('Seattle')), node('nowhere', 'prepare.filter', place('Atlantis')), node('shifted', 'monitor.drift')],
      edges: [
        { from: 'load.table', to: 'seattle.table' },
        { from: 'load.table', to: 'nowhere.table' },
        { from: 'seattle.table', to: 'shifted.reference' },
        { from: 'nowhere.table', to: 'shifted.current' },
      ],
    };
    const run = await runPipeline(doc);
    expect(run.status).toBe('failed');
    const drift = step(run, 'shifted');
    expect(drift).toMatchObject({ status: 'failed', attempts: 1 });
    expect(drift.error).toContain('The current table has no rows');
  });

  it('refuses when saving tables with no column in common and a named column the current table lacks', async () => {
    const doc = {
      apiVersion: 'millrace/v1',
      name: 'weather-drift-bad',
      nodes: [
        node('weather', 'ingest.sample', { sample: 'weather' }),
        node('penguins', 'ingest.sample', { sample: 'penguins' }),
        node('any', 'monitor.drift'),
        node('named', 'monitor.drift', { columns: ['wind'] }),
      ],
      edges: [
        { from: 'weather.table', to: 'any.reference' },
        { from: 'penguins.table', to: 'any.current' },
        { from: 'weather.table', to: 'named.reference' },
        { from: 'penguins.table', to: 'named.current' },
      ],
    };
    const res = await http('PUT', `/api/v1/pipelines/${doc.name}`, doc);
    expect(res.status).toBe(422);
    expect(res.data.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ nodeId: 'any', path: 'params.columns', message: 'The reference and current tables have no columns in common' }),
        expect.objectContaining({ nodeId: 'named', path: 'params.columns.0', message: expect.stringContaining('Column "wind" is not in the current table') }),
      ]),
    );
  });
});
