import { describe, expect, it } from 'vitest';
import { driftHistoryQuery } from '../../server/services/drift-history';

describe('drift history query', () => {
  it('takes the newest 100 reports of every drift step by default, and a limit from a query string', () => {
    expect(driftHistoryQuery.parse({ pipeline: 'penguin-monitor' })).toEqual({ pipeline: 'penguin-monitor', limit: 100 });
    expect(driftHistoryQuery.parse({ pipeline: 'p', node: 'drift', limit: '5' })).toEqual({ pipeline: 'p', node: 'drift', limit: 5 });
  });

  it('names what is wrong: the pipeline name, a limit out of range or not whole, an unknown field', () => {
    const message = (input: unknown) => driftHistoryQuery.safeParse(input).error?.issues[0]?.message;
    expect(message({ pipeline: 'Not A Name' })).toBe('pipeline: not a pipeline name');
    expect(message({ pipeline: 'p', limit: '0' })).toBe('limit: at least 1');
    expect(message({ pipeline: 'p', limit: 501 })).toBe('limit: at most 500');
    expect(message({ pipeline: 'p', limit: '2.5' })).toBe('limit: a whole number');
    expect(driftHistoryQuery.safeParse({ pipeline: 'p', since: 'x' }).success).toBe(false);
  });
});
