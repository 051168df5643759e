import { z } from 'zod';
import { defineStep, port } from '../../core/step';

export const ENDPOINT_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export default defineStep({
  type: 'deploy.endpoint',
  category: 'deploy',
  // Promotes a model: a side effect that must happen each run.
  cacheable: false,
  title: 'Deploy to endpoint',
  summary: 'Register the model and serve it at a named HTTP endpoint.',
  help:
    'Registers the model as a new model version and makes it the production version of the endpoint, ' +
    'served at POST /api/v1/endpoints/{name}/predict (or of its staging slot, `?slot=staging`). Connect a gate to "After" ' +
    'to deploy only good models. An endpoint belongs to the pipeline that created it; a model with other features, or ' +
    'from a run older than the served model\'s, is refused or skipped unless allowed here.',
  inputs: { model: port.model('Model'), after: port.signal('After', { optional: true }) },
  outputs: {},
  params: z.object({
    endpoint: z
      .string()
      .regex(ENDPOINT_NAME, 'Lowercase letters, digits, "-" and "_", starting with a letter or digit')
      .meta({ title: 'Endpoint name', widget: 'endpoint' }),
    slot: z.enum(['production', 'staging']).default('production').meta({ title: 'Slot', description: 'Production answers predict; staging answers `?slot=staging`.' }),
    takeOver: z.boolean().default(false).meta({ title: 'Take over', description: "Promote into an endpoint another pipeline owns; this pipeline then owns it." }),
    allowSchemaChange: z.boolean().default(false).meta({ title: 'Allow schema change', description: 'Promote a model whose features (names and types) differ from the served model.' }),
    allowOlder: z.boolean().default(false).meta({ title: 'Allow older', description: 'Promote even if the served model comes from a run that started later (otherwise the step skips the promotion).' }),
    betterMetric: z.string().max(64).optional().meta({ title: 'Only if better on metric', description: 'Promote only if the evaluated model beats the served model on this metric (e.g. accuracy, rmse).' }),
    betterBy: z.number().min(0).default(0).meta({ title: 'By at least', description: 'The margin the metric must beat the served model by.' }),
    challenger: z
      .enum(['none', 'canary', 'shadow'])
      .default('none')
      .meta({ title: 'Staging as challenger', description: 'Staging slot only: canary answers a share of production requests; shadow scores every one, only production answers.' }),
    canaryPercent: z.number().int().min(0).max(100).default(10).meta({ title: 'Canary share (%)', description: 'The share of production requests the canary answers.' }),
    requireApproval: z.boolean().default(false).meta({ title: 'Require approval', description: 'Wait for a person to approve before promoting (as an approval step does); rejected: not promoted.' }),
  }),
  // With requireApproval the workflow waits for a decision before the step runs (workflows/engine/approval.ts).
  approval: (params) => (params.requireApproval ? { onTimeout: 'reject', instructions: `Promote this run's model to endpoint "${params.endpoint}" (${params.slot})?` } : undefined),
});
