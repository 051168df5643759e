import { describe, expect, it } from 'vitest';
import { isOpenAuthEndpoint } from '../../server/auth/auth-http';

describe('better-auth over HTTP', () => {
  it('opens signing in and out, the session and accepting an invitation', () => {
    for (const [method, path] of [
      ['POST', '/api/auth/sign-in/email'],
      ['POST', '/api/auth/sign-out'],
      ['GET', '/api/auth/get-session'],
      ['POST', '/api/auth/revoke-other-sessions'],
      ['POST', '/api/auth/organization/set-active'],
      ['POST', '/api/auth/organization/accept-invitation'],
    ]) {
      expect(isOpenAuthEndpoint(method!, path!), `${method} ${path}`).toBe(true);
    }
  });

  it('keeps sign-up and every change of workspaces, members and roles closed', () => {
    for (const path of [
      '/api/auth/sign-up/email',
      '/api/auth/organization/create',
      '/api/auth/organization/update',
      '/api/auth/organization/delete',
      '/api/auth/organization/invite-member',
      '/api/auth/organization/update-member-role',
      '/api/auth/organization/remove-member',
      '/api/auth/update-user',
      '/api/auth/delete-user',
      '/api/auth/some-endpoint-added-later',
    ]) {
      expect(isOpenAuthEndpoint('POST', path), path).toBe(false);
    }
  });

  it('opens an endpoint for its method only, and nothing outside /api/auth', () => {
    expect(isOpenAuthEndpoint('GET', '/api/auth/sign-in/email')).toBe(false);
    expect(isOpenAuthEndpoint('post', '/api/auth/sign-out/')).toBe(true);
    expect(isOpenAuthEndpoint('POST', '/api/authsign-out')).toBe(false);
    expect(isOpenAuthEndpoint('POST', '/api/auth/../auth/sign-up/email')).toBe(false);
  });
});
