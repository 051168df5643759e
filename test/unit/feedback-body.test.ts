import { describe, expect, it } from 'vitest';
import { REQUEST_ID, feedbackBody } from '../../server/rest/schemas';

describe('feedback body', () => {
  it('takes one label or an array, with row 0 by default', () => {
    expect(feedbackBody.parse({ requestId: 'a-1', label: 'Gentoo' })).toEqual({ requestId: 'a-1', label: 'Gentoo', row: 0 });
    expect(feedbackBody.parse([{ requestId: 'a-1', label: 3.5, row: 2 }, { requestId: 'b', label: true }])).toEqual([
      { requestId: 'a-1', label: 3.5, row: 2 },
      { requestId: 'b', label: true, row: 0 },
    ]);
  });

  it('refuses what cannot be a label for a request', () => {
    for (const bad of [
      {},
      { requestId: 'x' },
      { requestId: 'x', label: null },
      { requestId: 'x', label: { nested: 1 } },
      { requestId: 'x', label: '' },
      { requestId: 'x', label: Infinity },
      { requestId: 'x', label: 'a', row: -1 },
      { requestId: 'x', label: 'a', row: 1.5 },
      { requestId: 'x', label: 'a', extra: 1 },
      { requestId: 'has space', label: 'a' },
      { requestId: '', label: 'a' },
      [],
      Array.from({ length: 10_001 }, () => ({ requestId: 'x', label: 'a' })),
    ]) {
      expect(feedbackBody.safeParse(bad).success, JSON.stringify(bad).slice(0, 80)).toBe(false);
    }
  });

  it('request ids are 1 to 200 visible ASCII characters', () => {
    expect(REQUEST_ID.test('0b6f2c1e-8d7a-4c36-9a51-6b1f3f0c2d9e')).toBe(true);
    expect(REQUEST_ID.test('order-17/attempt:2')).toBe(true);
    expect(REQUEST_ID.test('x'.repeat(200))).toBe(true);
    for (const bad of ['', 'x'.repeat(201), 'a b', 'tab\there', 'é']) expect(REQUEST_ID.test(bad), bad).toBe(false);
  });
});
