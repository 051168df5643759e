import { describe, expect, it } from 'vitest';
import { makeDatasetLookup } from '../../core/compiler';
import definition from './definition';

const v1 = [{ name: 'a', type: 'BIGINT' }];
const v2 = [...v1, { name: 'b', type: 'VARCHAR' }];
const lookup = makeDatasetLookup([
  { name: 'cars', version: 1, columns: v1 },
  { name: 'cars', version: 2, columns: v2 },
]);
const dataset = (name: string, version?: number) => lookup(name, version) ?? ('missing' as const);

describe('ingest.dataset', () => {
  it('outputs the columns of the newest version, or of the pinned one', () => {
    expect(definition.outputSchema!({ params: { dataset: 'cars' }, inputs: {}, dataset })).toEqual({ table: v2 });
    expect(definition.outputSchema!({ params: { dataset: 'cars', version: 1 }, inputs: {}, dataset })).toEqual({ table: v1 });
  });

  it('reports a dataset or version that does not exist as a problem for running, not for saving', () => {
    expect(definition.check!({ params: { dataset: 'cars' }, inputs: {}, dataset })).toEqual([]);
    expect(definition.check!({ params: { dataset: 'cars', version: 3 }, inputs: {}, dataset })).toEqual([
      { path: 'params.dataset', message: 'Version 3 of dataset "cars" does not exist', severity: 'run-error' },
    ]);
    // Without dataset information nothing is judged.
    expect(definition.check!({ params: { dataset: 'boats' }, inputs: {}, dataset: () => undefined })).toEqual([]);
  });
});
