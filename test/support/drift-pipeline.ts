// A pipeline with two monitor.drift steps on the weather sample: Seattle against New York is a shifted
// slice, one random half of Seattle against the other is not; a gate reads the unshifted one's metrics.

export const node = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, params });
export const place = (location: string) => ({ conditions: [{ column: 'location', op: '=', value: location }] });

export const DRIFT_PIPELINE = {
  apiVersion: 'millrace/v1',
  name: 'weather-drift',
  nodes: [
    node('load', 'ingest.sample', { sample: 'weather' }),
    node('seattle', 'prepare.filter', place('Seattle')),
    node('newYork', 'prepare.filter', place('New York')),
    node('halves', 'prepare.split', { testFraction: 0.5, seed: 3 }),
    node('shifted', 'monitor.drift', { exclude: ['location'] }),
    node('unshifted', 'monitor.drift', { exclude: ['location'], numericMethod: 'ks', categoricalMethod: 'chi_squared', prediction: 'weather' }),
    node('stable', 'validate.gate', { rules: [{ metric: 'dataset_drift', op: '<=', value: 0 }, { metric: 'prediction_drift', op: '<=', value: 0 }] }),
  ],
  edges: [
    { from: 'load.table', to: 'seattle.table' },
    { from: 'load.table', to: 'newYork.table' },
    { from: 'seattle.table', to: 'shifted.reference' },
    { from: 'newYork.table', to: 'shifted.current' },
    { from: 'seattle.table', to: 'halves.table' },
    { from: 'halves.train', to: 'unshifted.reference' },
    { from: 'halves.test', to: 'unshifted.current' },
    { from: 'unshifted.metrics', to: 'stable.metrics' },
  ],
};
