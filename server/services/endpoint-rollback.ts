import { z } from 'zod';
import { ENDPOINT_NAME } from '../../workflows/steps/deploy.endpoint/definition';
import { rollbackEndpoint } from '../infra/endpoint-rollback';

/** `POST /api/v1/endpoints/{name}/rollback` and the endpoint page's rollback: which version, which slot. */
export const rollbackBody = z
  .strictObject({
    version: z.number().int('version: a whole number').positive('version: at least 1').optional().describe('A version number of the model the slot serves now'),
    modelVersionId: z.uuid('modelVersionId: a model version id (a UUID)').optional().describe('Any model version the endpoint served before'),
    slot: z.enum(['production', 'staging'], { error: 'slot: "production" or "staging"' }).default('production'),
  })
  .refine((b) => (b.version === undefined) !== (b.modelVersionId === undefined), { error: 'Send exactly one of "version" and "modelVersionId"' });

export const rollbackInput = z.strictObject({
  name: z.string().regex(ENDPOINT_NAME, 'Not an endpoint name: lowercase letters, digits, "-" and "_"'),
  version: z.number().int().positive().optional(),
  modelVersionId: z.uuid().optional(),
  slot: z.enum(['production', 'staging']).default('production'),
});

export const rollbackResponse = z.object({
  endpoint: z.string(),
  slot: z.enum(['production', 'staging']),
  model: z.string(),
  modelVersion: z.number().int(),
  modelVersionId: z.uuid(),
  fromModelVersionId: z.uuid().nullable(),
  changed: z.boolean().describe('false when the slot already served that version (nothing recorded)'),
});

export function rollback(name: string, body: z.output<typeof rollbackBody>, actor: string) {
  return rollbackEndpoint(name, body, actor);
}
