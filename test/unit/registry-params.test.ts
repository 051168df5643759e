import { describe, expect, it } from 'vitest';
import { intQueryParams, versionFromPath } from '../../server/rest/registry-params';

describe('registry path and query values', () => {
  it('takes versions from 1 and refuses anything else with the value named', () => {
    expect(versionFromPath('3', 'Model')).toBe(3);
    for (const bad of ['0', '-1', '1.5', 'abc', '01', '', '1e3', '9999999999']) {
      expect(() => versionFromPath(bad, 'Model'), bad).toThrow(/Model version: a whole number from 1/);
    }
  });

  it('reads known whole-number query parameters and refuses unknown, repeated or malformed ones', () => {
    const known = ['offset', 'limit'] as const;
    expect(intQueryParams(new URLSearchParams('offset=10&limit=5'), known)).toEqual({ offset: 10, limit: 5 });
    expect(intQueryParams(new URLSearchParams(''), known)).toEqual({});
    expect(() => intQueryParams(new URLSearchParams('rows=1'), known)).toThrow(/Unknown query parameter "rows"; known: offset, limit/);
    expect(() => intQueryParams(new URLSearchParams('limit=1&limit=2'), known)).toThrow(/"limit" is given more than once/);
    expect(() => intQueryParams(new URLSearchParams('limit=-1'), known)).toThrow(/limit: a whole number, not "-1"/);
    expect(() => intQueryParams(new URLSearchParams('offset=ten'), known)).toThrow(/offset: a whole number/);
  });
});
