import { describe, expect, it } from 'vitest';
import { versionMessageOf } from '../../server/rest/version-message';
import { versionMessageSchema } from '../../workflows/core/version-message';

const put = (query: string, headers: Record<string, string> = {}) => new Request(`http://localhost/api/v1/pipelines/p${query}`, { method: 'PUT', headers });

describe('a version message', () => {
  it('is trimmed, and blank means none', () => {
    expect(versionMessageSchema.parse('  More trees \n')).toBe('More trees');
    expect(versionMessageSchema.parse('   ')).toBeUndefined();
  });

  it('refuses more than 500 characters and control characters, saying so', () => {
    expect(versionMessageSchema.safeParse('x'.repeat(500)).success).toBe(true);
    expect(versionMessageSchema.safeParse('x'.repeat(501)).error?.issues[0]?.message).toBe('A version message is at most 500 characters');
    expect(versionMessageSchema.safeParse('a\u0007b').error?.issues[0]?.message).toBe('A version message cannot hold control characters');
    expect(versionMessageSchema.parse('two\nlines')).toBe('two\nlines');
  });

  it('comes to REST as ?message= or X-Millrace-Message, not both', () => {
    expect(versionMessageOf(put(''))).toBeUndefined();
    expect(versionMessageOf(put('?message=Gr%C3%B6%C3%9Fer%20Wald'))).toBe('Größer Wald');
    expect(versionMessageOf(put('', { 'x-millrace-message': 'A gentler gate' }))).toBe('A gentler gate');
    expect(() => versionMessageOf(put('?message=a', { 'x-millrace-message': 'b' }))).toThrow('not both');
    expect(() => versionMessageOf(put(`?message=${'x'.repeat(501)}`))).toThrow('at most 500 characters');
  });
});
