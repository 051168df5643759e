import { describe, expect, it } from 'vitest';
import { describeDatasetFile } from '../../../server/infra/dataset-ingest';
import { sampleFile } from './activity';
import definition, { SAMPLES, sampleSchema, type SampleName } from './definition';

describe('ingest.sample', () => {
  it('knows each sample\'s columns at design time, exactly as the real file reads (real DuckDB)', async () => {
    for (const name of Object.keys(SAMPLES) as SampleName[]) {
      const read = await describeDatasetFile(sampleFile(name), SAMPLES[name].format);
      expect({ name, rows: read.rows, columns: read.columns }).toEqual({ name, rows: SAMPLES[name].rows, columns: sampleSchema(name) });
    }
  });

  it('defaults to penguins and refuses a name it does not ship', () => {
    const params = definition.params.parse({});
    expect(params.sample).toBe('penguins');
    expect(definition.outputSchema!({ params, inputs: {}, dataset: () => undefined }).table).toContainEqual({ name: 'Body Mass (g)', type: 'BIGINT' });
    expect(definition.params.safeParse({ sample: 'iris.csv' }).success).toBe(false);
  });
});
