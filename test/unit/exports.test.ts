import { describe, expect, it } from 'vitest';
import { attachmentDisposition } from '../../server/services/exports';

describe('download headers', () => {
  it('names the file exactly in UTF-8 and gives older clients an ASCII fallback', () => {
    expect(attachmentDisposition('penguins (clean).csv')).toBe(`attachment; filename="penguins (clean).csv"; filename*=UTF-8''penguins%20%28clean%29.csv`);
    expect(attachmentDisposition('Pingüinos 企鹅.parquet')).toBe(
      `attachment; filename="Ping_inos __.parquet"; filename*=UTF-8''Ping%C3%BCinos%20%E4%BC%81%E9%B9%85.parquet`,
    );
  });
});
