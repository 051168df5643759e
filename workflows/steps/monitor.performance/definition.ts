import { z } from 'zod';
import { endpointParam, sinceParam, slotParam, windowHoursParam } from '../shared/endpoint-window';
import { defineStep, port } from '../../core/step';

export default defineStep({
  type: 'monitor.performance',
  category: 'monitor',
  // Reads the prediction log and its labels: different every time it runs.
  cacheable: false,
  title: 'Model quality',
  summary: 'Quality of an endpoint’s model on logged predictions that got true labels, against its validation metrics.',
  help:
    'Joins the predictions the model an endpoint’s slot serves made over the last hours (and not before a given time, ' +
    'if set) with the true labels sent to POST /api/v1/endpoints/{name}/feedback, and computes the metrics the Evaluate ' +
    'step reports (classification: accuracy, precision, recall and F1, macro; regression: RMSE, MAE, R², MAPE). Beside ' +
    'each it gives the model’s validation value (from its Evaluate step) as <metric>_validation and the change as ' +
    '<metric>_change (live minus validation), so an Alert can say "accuracy_change <= -0.1". labelled_rows counts the ' +
    'rows. With fewer labelled rows than the minimum, nothing goes out and the steps after it are skipped.',
  inputs: {},
  outputs: { metrics: port.metrics('Live metrics') },
  params: z.object({
    endpoint: endpointParam(),
    slot: slotParam(),
    windowHours: windowHoursParam(24 * 7, 'Predictions'),
    since: sinceParam('Also leave out predictions logged before this time'),
    minLabels: z.number().int().min(1).max(1_000_000).default(30).meta({ title: 'Minimum labelled rows', description: 'Fewer: nothing to measure, the steps after it are skipped' }),
  }),
});
