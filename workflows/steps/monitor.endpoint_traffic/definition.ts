import { z } from 'zod';
import { endpointParam, sinceParam, slotParam, windowHoursParam } from '../shared/endpoint-window';
import { defineStep, port } from '../../core/step';

export default defineStep({
  type: 'monitor.endpoint_traffic',
  category: 'monitor',
  // Reads the prediction log and the endpoint's current model: different every time it runs.
  cacheable: false,
  title: 'Endpoint traffic',
  summary: 'The rows an endpoint was asked to predict over a time window, and the data its model was trained on.',
  help:
    'Reads the prediction log of an endpoint’s slot over the last hours (and not before a given time, if set): "current" has one row per predicted row, with ' +
    'the model’s features (typed as in its training table) and the prediction under the target’s name; "reference" is the ' +
    'table the model that slot serves was trained on, or a chosen dataset version. Connect both to a Data drift step to ' +
    'see whether production traffic still looks like the training data (name the target as its prediction column to ' +
    'compare predictions on their own). With fewer logged rows than the minimum, no table goes out and the steps after ' +
    'it are skipped: too little traffic says nothing.',
  inputs: {},
  outputs: { current: port.table('Logged rows'), reference: port.table('Reference') },
  params: z.object({
    endpoint: endpointParam(),
    slot: slotParam(),
    windowHours: windowHoursParam(24, 'Requests'),
    since: sinceParam('Also leave out requests logged before this time (e.g. since a promotion)'),
    minRows: z.number().int().min(1).max(1_000_000).default(30).meta({ title: 'Minimum rows', description: 'Fewer logged rows: nothing to compare, the steps after it are skipped' }),
    referenceDataset: z
      .string()
      .min(1)
      .max(63)
      .optional()
      .meta({ title: 'Reference dataset', description: 'Default: the table the served model was trained on', widget: 'dataset', advanced: true }),
    referenceVersion: z.number().int().min(1).optional().meta({ title: 'Reference version', description: 'Empty = newest', advanced: true }),
  }),
  outputSchema: ({ params, dataset }) => {
    if (!params.referenceDataset) return {};
    const found = dataset(params.referenceDataset, params.referenceVersion);
    return found && found !== 'missing' ? { reference: found.columns } : {};
  },
  check: ({ params, dataset }) => {
    if (params.referenceVersion !== undefined && !params.referenceDataset) {
      return [{ path: 'params.referenceVersion', message: 'A reference version needs a reference dataset' }];
    }
    if (!params.referenceDataset || dataset(params.referenceDataset, params.referenceVersion) !== 'missing') return [];
    return [{ path: 'params.referenceDataset', message: `Dataset "${params.referenceDataset}" does not exist`, severity: 'run-error' }];
  },
});
