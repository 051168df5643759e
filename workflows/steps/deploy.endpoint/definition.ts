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
    'served at POST /api/v1/endpoints/{name}/predict. Connect a gate to "After" to deploy only good models.',
  inputs: { model: port.model('Model'), after: port.signal('After', { optional: true }) },
  outputs: {},
  params: z.object({
    endpoint: z
      .string()
      .regex(ENDPOINT_NAME, 'Lowercase letters, digits, "-" and "_", starting with a letter or digit')
      .meta({ title: 'Endpoint name', widget: 'endpoint' }),
  }),
});
