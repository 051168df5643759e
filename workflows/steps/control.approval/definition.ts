import { z } from 'zod';
import { defineStep, port } from '../../core/step';

/** The longest wait an approval may have: 90 days. */
export const MAX_APPROVAL_MINUTES = 90 * 24 * 60;

export default defineStep({
  type: 'control.approval',
  category: 'control',
  // A person's decision, made anew each run.
  cacheable: false,
  title: 'Approval',
  summary: 'Wait for a person to approve or reject before the steps after it run.',
  help:
    'The run pauses here until someone approves or rejects on the run page (or through ' +
    'POST /api/v1/runs/{runId}/approvals/{node}), optionally with a comment. Approved: the "pass" signal is emitted. ' +
    'Rejected: the steps that depend on it are skipped, as after a failed gate. With a timeout, the chosen outcome ' +
    'is decided when it runs out; without one the run waits as long as it takes (days are fine: the wait is durable). ' +
    'Who decided and when is recorded.',
  inputs: {
    after: port.signal('After', { optional: true }),
    metrics: port.metrics('Metrics to review', { optional: true }),
  },
  outputs: { pass: port.signal('Pass') },
  params: z.object({
    instructions: z.string().max(2000).optional().meta({ title: 'Instructions', description: 'What the approver should check' }),
    timeoutMinutes: z
      .number()
      .positive('The timeout must be more than 0 minutes')
      .max(MAX_APPROVAL_MINUTES, 'The timeout is at most 90 days (129600 minutes)')
      .optional()
      .meta({ title: 'Timeout (minutes)', description: 'Empty = wait as long as it takes' }),
    onTimeout: z.enum(['reject', 'approve']).default('reject').meta({ title: 'When the timeout runs out' }),
  }),
  // Waiting is the workflow's (durable, no activity running); the step's activity only records the decision.
  approval: (params) => ({
    ...(params.timeoutMinutes === undefined ? {} : { timeoutSeconds: params.timeoutMinutes * 60 }),
    onTimeout: params.onTimeout,
    ...(params.instructions ? { instructions: params.instructions } : {}),
  }),
});
