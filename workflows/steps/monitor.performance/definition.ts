import { z } from 'zod';
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
    endpoint: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'Lowercase letters, digits, "-" and "_", starting with a letter or digit')
      .meta({ title: 'Endpoint', widget: 'endpoint' }),
    slot: z.enum(['production', 'staging']).default('production').meta({ title: 'Slot' }),
    windowHours: z
      .number()
      .positive('The window must be longer than 0 hours')
      .max(24 * 90, 'The window is at most 90 days (2160 hours)')
      .default(24 * 7)
      .meta({ title: 'Window (hours)', description: 'Predictions logged over this many hours before the step runs' }),
    since: z.iso
      .datetime({ offset: true, message: 'An ISO 8601 time with offset, e.g. 2026-01-01T00:00:00Z' })
      .optional()
      .meta({ title: 'Not before', description: 'Also leave out predictions logged before this time', advanced: true }),
    minLabels: z.number().int().min(1).max(1_000_000).default(30).meta({ title: 'Minimum labelled rows', description: 'Fewer: nothing to measure, the steps after it are skipped' }),
  }),
});
