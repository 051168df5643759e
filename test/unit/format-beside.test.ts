import { describe, expect, it } from 'vitest';
import { formatBeside, formatNumber } from '../../components/ui/format';

describe('a measured value beside its threshold', () => {
  it('shows a decimal more than the threshold, so a near miss never reads as the threshold or as 1', () => {
    expect(formatNumber(0.99987)).toBe('1');
    expect(formatBeside(0.99987, 0.9999)).toBe('0.99987');
    expect(formatBeside(0.98551, 0.9999)).toBe('0.98551');
    expect(formatBeside(0.9855072, 0.9)).toBe(formatNumber(0.9855072));
    expect(formatBeside(3, 0.9999)).toBe('3');
  });
});
