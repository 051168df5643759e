import { describe, expect, it } from 'vitest';
import { pageRedirect, safeNext } from '../../server/auth/page-access';

const get = (pathname: string, headers: Record<string, string> = {}, search = '') => ({ method: 'GET', pathname, search, headers: new Headers(headers) });

describe('page access', () => {
  it('sends a visitor without a session to sign in, with the way back', () => {
    expect(pageRedirect(get('/'), 'on')).toEqual({ redirect: '/sign-in' });
    expect(pageRedirect(get('/pipelines/churn', {}, '?v=2'), 'on')).toEqual({ redirect: '/sign-in?next=%2Fpipelines%2Fchurn%3Fv%3D2' });
  });

  it('serves pages to a session cookie (plain or __Secure-) or an API token', () => {
    expect(pageRedirect(get('/runs', { cookie: 'better-auth.session_token=abc.def' }), 'on')).toBeNull();
    expect(pageRedirect(get('/runs', { cookie: '__Secure-better-auth.session_token=abc.def' }), 'on')).toBeNull();
    expect(pageRedirect(get('/runs', { authorization: 'Bearer mrt_x' }), 'on')).toBeNull();
    expect(pageRedirect(get('/runs', { cookie: 'theme=dark' }), 'on')).toEqual({ redirect: '/sign-in?next=%2Fruns' });
  });

  it('leaves sign-in, set-up, invite pages, the API and files alone', () => {
    for (const path of ['/sign-in', '/setup', '/invite/3f0c', '/api/v1/catalog', '/_next/static/x.js', '/theme.js', '/icon.svg']) {
      expect(pageRedirect(get(path), 'on'), path).toBeNull();
    }
    expect(pageRedirect({ ...get('/'), method: 'POST' }, 'on')).toBeNull();
  });

  it('with MILLRACE_AUTH=off has no sign-in: those pages lead home, others are served', () => {
    for (const path of ['/sign-in', '/setup', '/invite/3f0c', '/account', '/settings/members']) {
      expect(pageRedirect(get(path), 'off'), path).toEqual({ redirect: '/' });
    }
    expect(pageRedirect(get('/runs'), 'off')).toBeNull();
  });

  it('keeps only a local path as the way back after sign-in', () => {
    expect(safeNext('/runs?x=1')).toBe('/runs?x=1');
    for (const bad of [null, '', 'https://evil.example', '//evil.example', '/\\evil.example']) expect(safeNext(bad)).toBe('/');
  });
});
