import type { z } from 'zod';
import { AUDIT_ACTIONS } from '../auth/audit-actions';
import { meResponse } from '../auth/whoami';

// The OpenAPI entries of the caller's identity and the audit log export (spread into server/rest/openapi.ts).

interface Helpers {
  answer: (description: string, s?: z.ZodType) => unknown;
  errors: (...codes: number[]) => Record<string, unknown>;
}

const query = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({ name, in: 'query', required: false, schema, description });

const UNAUTHENTICATED = { description: 'No valid credential: send an API token as `Authorization: Bearer mrt_…`' };

export function accessPaths({ answer, errors }: Helpers) {
  return {
    '/api/v1/me': {
      get: {
        summary: 'Who the credential sent is: its kind, label, workspace and role',
        description: 'Any valid credential (an API token as `Authorization: Bearer mrt_…`, or a session cookie). 401 without one.',
        responses: { '200': answer('The caller', meResponse), '401': UNAUTHENTICATED, ...errors() },
      },
    },
    '/api/v1/audit.csv': {
      get: {
        summary: 'The workspace’s audit log as CSV, newest first (admins)',
        description:
          'Columns: time, actor_kind, actor, action, target_kind, target, details (JSON), ip, user_agent, request_id. ' +
          'Cells that start with = + - @, a tab or a carriage return get a leading apostrophe, so a spreadsheet does not run them as formulas.',
        parameters: [
          query('action', 'Only this action', { type: 'string', enum: [...AUDIT_ACTIONS] }),
          query('actor', 'Only actors whose label contains this text (an email, a token name)'),
          query('from', 'Only events at or after this ISO time', { type: 'string', format: 'date-time' }),
          query('to', 'Only events before this ISO time', { type: 'string', format: 'date-time' }),
        ],
        responses: { '200': { description: 'text/csv', content: { 'text/csv': { schema: { type: 'string' } } } }, '401': UNAUTHENTICATED, '403': { description: 'Not an admin of the workspace' }, ...errors(400) },
      },
    },
  };
}
