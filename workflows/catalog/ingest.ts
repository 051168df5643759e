import { z } from 'zod';
import { defineStep, port } from './define';

export const ingestDataset = defineStep({
  type: 'ingest.dataset',
  category: 'ingest',
  title: 'Dataset',
  summary: 'Read a registered dataset as a table.',
  help:
    'Loads one version of a named dataset (uploaded through the UI, the CLI or the REST API). ' +
    'Leave the version empty to always read the newest version at run time.',
  inputs: {},
  outputs: { table: port.table('Table') },
  params: z.object({
    dataset: z.string().min(1, 'Pick a dataset').meta({ title: 'Dataset', widget: 'dataset' }),
    version: z.number().int().min(1).optional().meta({ title: 'Version', description: 'Empty = newest' }),
  }),
});
