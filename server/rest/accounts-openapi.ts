import { z } from 'zod';
import { acceptAsNewInput } from '../services/members';

// The OpenAPI entries of the invite link (spread into server/rest/openapi.ts).

type Helpers = {
  body: (s: z.ZodType) => unknown;
  errors: (...codes: number[]) => Record<string, unknown>;
  nameParam: (name: string, description: string) => unknown;
};

export function accountPaths({ body, errors, nameParam }: Helpers) {
  const id = nameParam('id', 'Invitation id (the last part of the invite link)');
  return {
    '/api/v1/invitations/{id}': {
      get: {
        summary: 'What an invite link offers',
        description: 'No credential: the id is the secret. 409 when the invitation was used, revoked or has expired.',
        parameters: [id],
        responses: { '200': { description: '`{id, email, role, workspace, expiresAt, hasAccount}`' }, ...errors(400, 404, 409) },
      },
    },
    '/api/v1/invitations/{id}/accept': {
      post: {
        summary: 'Accept an invitation with a new account',
        description:
          'Creates the account for the invited email with this name and password, accepts the invitation and signs in (Set-Cookie). ' +
          'A person who has an account signs in and accepts with `POST /api/auth/organization/accept-invitation` instead (409 here).',
        parameters: [id],
        requestBody: body(acceptAsNewInput),
        responses: { '201': { description: '`{userId, email, role}`, signed in' }, ...errors(400, 404, 409, 415) },
      },
    },
  };
}
