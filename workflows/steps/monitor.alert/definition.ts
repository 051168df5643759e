import { z } from 'zod';
import { defineStep, port } from '../../core/step';

export const ALERT_OPS = ['>=', '>', '<=', '<', '==', '!='] as const;

export default defineStep({
  type: 'monitor.alert',
  category: 'monitor',
  // Notifies people: a side effect that must happen each run.
  cacheable: false,
  title: 'Alert',
  summary: 'Raise an in-app alert and call webhooks when monitoring metrics cross thresholds.',
  help:
    'Checks each rule against the metrics (for instance a Data drift step’s dataset_drift, drift_share or ' +
    'prediction_drift, or a Model quality step’s accuracy_change). The alert is raised when any rule holds (or, with ' +
    '"Rules that must hold: all", when every one does): it appears under the bell and is sent to every webhook that listens for "monitoring alert" ' +
    '(with retries), once per run, and the "Raised" signal goes out, for instance to a step that starts the retraining ' +
    'pipeline. Otherwise "Clear" goes out and the steps after "Raised" are skipped; the run still succeeds.',
  inputs: { metrics: port.metrics('Metrics') },
  outputs: { raised: port.signal('Raised'), clear: port.signal('Clear') },
  params: z.object({
    rules: z
      .array(
        z.strictObject({
          metric: z.string().min(1).max(100).meta({ title: 'Metric', description: 'e.g. dataset_drift, drift_share, accuracy' }),
          op: z.enum(ALERT_OPS).default('>=').meta({ title: 'Operator' }),
          value: z.number().meta({ title: 'Value' }),
        }),
      )
      .min(1, 'Add at least one rule')
      .max(100)
      .default([{ metric: 'dataset_drift', op: '>=', value: 1 }])
      .meta({ title: 'Rules', description: 'When the alert is raised. Default: the dataset drifted (dataset_drift >= 1)' }),
    match: z.enum(['any', 'all']).default('any').meta({ title: 'Rules that must hold', description: 'any: one rule is enough; all: every rule' }),
    title: z.string().trim().min(1).max(200).optional().meta({ title: 'Alert title', description: 'Default: "Alert from <pipeline> (step <node>)"' }),
    notify: z.boolean().default(true).meta({ title: 'Notify', description: 'In-app alert and webhooks; off: only the signals', advanced: true }),
  }),
});
