import { createRequire } from 'node:module';
import path from 'node:path';
import { ingestDatasetFile } from '../../../server/infra/dataset-ingest';
import { implement } from '../kit/implement';
import definition, { SAMPLES, sampleDatasetName, type SampleName } from './definition';

/** A data file of the vega-datasets package (its exports do not list them). */
export function sampleFile(name: SampleName): string {
  const entry = createRequire(import.meta.url).resolve('vega-datasets');
  return path.join(path.dirname(entry), '..', 'data', SAMPLES[name].file);
}

// Registered like an upload: the same bytes map to the same dataset version, so repeated runs reuse it.
export default implement(definition, async ({ params, ctx }) => {
  const sample = SAMPLES[params.sample];
  const dv = await ingestDatasetFile({ name: sampleDatasetName(params.sample), file: sampleFile(params.sample), format: sample.format });
  ctx.progress(`${dv.created ? 'registered' : 'reused'} dataset ${dv.name} v${dv.version}: ${dv.rows} rows`);
  return {
    outputs: { table: { kind: 'table', hash: dv.artifactHash, meta: { rows: dv.rows, columns: dv.columns } } },
    summary: { sample: params.sample, dataset: dv.name, version: dv.version, newVersion: dv.created, rows: dv.rows, columns: dv.columns.length },
  };
});
