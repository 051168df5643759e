import { describe, expect, it } from 'vitest';
import { JsonShapeChecker, JsonShapeError, type JsonLayout } from '../../server/infra/json-shape-check';

/** Runs the checker over `text` cut into chunks of `size` bytes; returns the row count or the error message. */
function check(layout: JsonLayout, text: string, size = 3): number | string {
  const bytes = new TextEncoder().encode(text);
  const checker = new JsonShapeChecker(layout);
  try {
    for (let i = 0; i < bytes.length; i += size) checker.write(bytes.subarray(i, i + size));
    checker.end();
    return checker.rows;
  } catch (err) {
    if (err instanceof JsonShapeError) return err.message;
    throw err;
  }
}

describe('streaming JSON shape check', () => {
  it('accepts arrays of objects and NDJSON whatever the chunk boundaries', () => {
    const rows = [{ a: 1, b: 'x "q" \\ \u00e9 \u2028', c: [1.5e-3, -0, true, null, { d: false }] }, { a: -12.25E+2, b: '' }];
    for (const size of [1, 2, 7, 1000]) {
      expect(check('array', JSON.stringify(rows, null, 2), size)).toBe(2);
      expect(check('lines', rows.map((r) => JSON.stringify(r)).join('\r\n') + '\n\n', size)).toBe(2);
    }
    expect(check('array', '[]')).toBe(0);
  });

  it('refuses a truncated array with where it ends', () => {
    expect(check('array', '[{"a": 1},')).toMatch(/line 1, column 11: the file ends before the array is closed/);
    expect(check('array', '[{"a": 1}')).toMatch(/ends before the array is closed/);
    expect(check('array', '[{"a": "abc')).toMatch(/ends before the array is closed/);
  });

  it('refuses syntax errors and non-object rows with the line and column', () => {
    expect(check('array', '[\n{"a": 1},\n{"a": 01}]')).toMatch(/line 3, column 8: a number cannot have a leading zero/);
    expect(check('array', '[{"a": tru}]')).toMatch(/invalid literal/);
    expect(check('array', '[{"a": 1} {"a": 2}]')).toMatch(/expected "," or "]"/);
    expect(check('array', '[{"a": 1}] x')).toMatch(/after the end of the array/);
    expect(check('array', '[1, 2]')).toMatch(/expected an object \(column → value\) for row 1/);
    expect(check('array', '[{"a": "x\\q"}]')).toMatch(/invalid escape/);
  });

  it('refuses NDJSON objects that span lines or share one', () => {
    expect(check('lines', '{"a": 1}\n{"a": \n')).toMatch(/^line 2, column 7: the object does not end on this line/);
    expect(check('lines', '{"a": 1} {"a": 2}\n')).toMatch(/after the object/);
    expect(check('lines', '{"a": 1}\n{"a": 2')).toMatch(/ends inside an object/);
  });

  it('says when the content is not this kind of JSON at all', () => {
    const wrong = (layout: JsonLayout, text: string) => {
      const checker = new JsonShapeChecker(layout);
      try {
        checker.write(new TextEncoder().encode(text));
        checker.end();
      } catch (err) {
        return (err as JsonShapeError).wrongFormat && (err as Error).message;
      }
      return 'accepted';
    };
    expect(wrong('array', 'a,b\n1,2\n')).toMatch(/send CSV as text\/csv/);
    expect(wrong('array', '{"a": 1}\n')).toMatch(/application\/x-ndjson/);
    expect(wrong('lines', '[{"a": 1}]')).toMatch(/application\/json/);
  });
});
