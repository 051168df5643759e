import { describe, expect, it } from 'vitest';
import { hintFor, uploadFormatOf } from '../../components/datasets/upload';

describe('the upload dialog', () => {
  it('sends each file as the Content-Type its extension names', () => {
    expect(uploadFormatOf('a.CSV')?.contentType).toBe('text/csv');
    expect(uploadFormatOf('a.json')?.contentType).toBe('application/json');
    expect(uploadFormatOf('a.jsonl')?.contentType).toBe('application/x-ndjson');
    expect(uploadFormatOf('a.parquet')?.contentType).toBe('application/vnd.apache.parquet');
    expect(uploadFormatOf('a.xlsx')).toBeUndefined();
  });

  it('says what to do about each refusal, with the CSV line when the server names one', () => {
    expect(hintFor(422, 'line 3 has 2 values, expected 3 (one per header column): 4,5')).toMatch(/^Fix line 3 of the file/);
    expect(hintFor(413, 'The upload is larger than the limit of 64 MiB')).toMatch(/MILLRACE_MAX_UPLOAD_BYTES/);
    expect(hintFor(415, 'Unsupported Content-Type')).toMatch(/CSV, JSON, NDJSON or Parquet/);
    expect(hintFor(0, '')).toMatch(/connection/);
  });
});
