import { z } from 'zod';
import { defineStep, port } from '../../core/step';

export default defineStep({
  type: 'ingest.dataset',
  category: 'ingest',
  // Without a version it reads whatever is newest at run time; the steps after it are cached by the bytes it read.
  cacheable: false,
  cacheableWith: (params) => params.version !== undefined,
  title: 'Dataset',
  summary: 'Read a registered dataset as a table.',
  help:
    'Loads one version of a named dataset (uploaded through the UI, the CLI or the REST API). ' +
    'Leave the version empty to always read the newest version at run time.',
  inputs: {},
  outputs: { table: port.table('Table') },
  params: z.object({
    dataset: z.string().min(1, 'Pick a dataset').max(63).meta({ title: 'Dataset', widget: 'dataset' }),
    version: z.number().int().min(1).optional().meta({ title: 'Version', description: 'Empty = newest' }),
  }),
  outputSchema: ({ params, dataset }) => {
    const found = dataset(params.dataset, params.version);
    return found && found !== 'missing' ? { table: found.columns } : {};
  },
  check: ({ params, dataset }) => {
    if (dataset(params.dataset, params.version) !== 'missing') return [];
    const what = params.version === undefined ? `Dataset "${params.dataset}"` : `Version ${params.version} of dataset "${params.dataset}"`;
    // Saving is allowed (the data may arrive later); running is not.
    return [{ path: 'params.dataset', message: `${what} does not exist`, severity: 'run-error' }];
  },
});
