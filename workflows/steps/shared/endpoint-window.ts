import { z } from 'zod';
import { ENDPOINT_NAME } from '../deploy.endpoint/definition';

// Parameters the steps that read an endpoint's prediction log share: which endpoint and slot, and which
// stretch of its log.

export const endpointParam = () =>
  z
    .string()
    .regex(ENDPOINT_NAME, 'Lowercase letters, digits, "-" and "_", starting with a letter or digit')
    .meta({ title: 'Endpoint', widget: 'endpoint' });

export const slotParam = () => z.enum(['production', 'staging']).default('production').meta({ title: 'Slot' });

/** Hours of the log before the step runs; `what` says what was logged ("Requests", "Predictions"). */
export const windowHoursParam = (defaultHours: number, what: string) =>
  z
    .number()
    .positive('The window must be longer than 0 hours')
    .max(24 * 90, 'The window is at most 90 days (2160 hours)')
    .default(defaultHours)
    .meta({ title: 'Window (hours)', description: `${what} logged over this many hours before the step runs` });

export const sinceParam = (description: string) =>
  z.iso
    .datetime({ offset: true, message: 'An ISO 8601 time with offset, e.g. 2026-01-01T00:00:00Z' })
    .optional()
    .meta({ title: 'Not before', description, advanced: true });
