import { describe, expect, it } from 'vitest';
import { endpointHistoryQueryFrom } from '../../server/rest/endpoint-history-query';
import { endpointHistoryQuery } from '../../server/services/endpoint-history';

const from = (qs: string) => endpointHistoryQueryFrom('penguins', new URLSearchParams(qs));

describe('endpoint history query', () => {
  it('reads limit and cursor from the query string, defaulting the limit to 50', () => {
    expect(endpointHistoryQuery.parse(from(''))).toEqual({ name: 'penguins', limit: 50 });
    expect(endpointHistoryQuery.parse(from('limit=5&cursor=42'))).toEqual({ name: 'penguins', limit: 5, cursor: '42' });
  });

  it('refuses unknown, repeated and malformed parameters with a message naming them', () => {
    expect(() => from('before=3')).toThrow('Unknown query parameter "before"; known: limit, cursor');
    expect(() => from('cursor=1&cursor=2')).toThrow('Query parameter "cursor" is given more than once');
    expect(() => from('limit=-1')).toThrow('limit: a whole number from 1 to 200, not "-1"');
    expect(endpointHistoryQuery.safeParse(from('limit=500')).error?.issues[0]?.message).toBe('limit: at most 200');
    expect(endpointHistoryQuery.safeParse(from('cursor=0')).error?.issues[0]?.message).toMatch(/^cursor: not a cursor this API gave out/);
    expect(endpointHistoryQuery.safeParse({ name: '../x' }).error?.issues[0]?.message).toMatch(/^Not an endpoint name/);
  });
});
