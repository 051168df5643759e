import { z } from 'zod';
import { PIPELINE_NAME } from '../../core/document';
import { defineStep, port } from '../../core/step';

/** A value handed to the started pipeline's parameter (its declared type is checked when the run starts). */
const parameterValue = z.union([z.string().max(10_000), z.number(), z.boolean()]);

export default defineStep({
  type: 'control.trigger_pipeline',
  category: 'control',
  // Starts a run: a side effect that must happen each time.
  cacheable: false,
  title: 'Start pipeline',
  summary: 'Start another pipeline (for instance the retraining one) with parameters.',
  help:
    'Starts a run of the named pipeline’s newest version with the given parameter values (checked against the ' +
    'parameters that pipeline declares; its defaults fill the rest). Connect an alert or a gate to "After" to start it ' +
    'only when that lets the run through. The run is started once per run of this step, however often the step is ' +
    'retried, and its page says which run and step started it; a pipeline that already ran in the chain that led here is ' +
    'refused, so pipelines cannot start each other in a loop. With "Wait for it" the step follows the run to its end and ' +
    'fails when that run does not succeed.',
  inputs: { after: port.signal('After', { optional: true }) },
  outputs: { started: port.signal('Started') },
  params: z.object({
    pipeline: z
      .string()
      .regex(PIPELINE_NAME, 'Pipeline names use lowercase letters, digits, "-" and "_", starting with a letter or digit')
      .meta({ title: 'Pipeline', description: 'The pipeline to start (its newest version)' }),
    // A list rather than a map, so the inspector's list form edits it; text is read as the parameter's type.
    params: z
      .array(
        z.strictObject({
          name: z.string().min(1, 'Name the parameter').max(100).meta({ title: 'Parameter' }),
          value: parameterValue.meta({ title: 'Value', description: 'Text is read as the parameter’s declared type' }),
        }),
      )
      .max(100, 'At most 100 parameter values')
      .default([])
      .refine((list) => new Set(list.map((p) => p.name)).size === list.length, 'Each parameter is given once')
      .meta({ title: 'Parameter values', description: 'Values for the started pipeline’s parameters; its defaults fill the rest' }),
    wait: z.boolean().default(false).meta({ title: 'Wait for it', description: 'Follow the started run to its end; the step fails unless it succeeds' }),
  }),
  // Waiting follows a whole run (a retraining may take long); the heartbeat shows it is still followed.
  timeoutSeconds: 24 * 60 * 60,
  heartbeatSeconds: 30,
  // Retrying finds the run the first attempt started (its firing key is the run and node).
  retry: { maximumAttempts: 5, initialIntervalSeconds: 2 },
});
