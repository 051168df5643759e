// Dataset uploads against the real stack: streamed to disk, size-limited, strict about malformed files,
// and leaving nothing behind when refused. The stack runs with MILLRACE_MAX_UPLOAD_BYTES = 64 MiB
// (test/support/global-setup.ts).
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { http as request } from '../support/http';

const sql = postgres(inject('databaseUrl'), { max: 1 });
afterAll(() => sql.end({ timeout: 5 }));

const CSV = { 'content-type': 'text/csv' };

async function upload(name: string, body: string | Uint8Array, contentType = 'text/csv') {
  return request('POST', `/api/v1/datasets?name=${name}`, body, { 'content-type': contentType });
}

interface Leftovers {
  versions: number;
  artifacts: number;
  artifactFiles: number;
  tmpFiles: string[];
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

async function leftovers(): Promise<Leftovers> {
  const [{ versions }] = await sql<{ versions: number }[]>`select count(*)::int as versions from dataset_versions`;
  const [{ artifacts }] = await sql<{ artifacts: number }[]>`select count(*)::int as artifacts from artifacts`;
  const dataDir = inject('dataDir');
  return {
    versions,
    artifacts,
    artifactFiles: (await filesUnder(path.join(dataDir, 'artifacts'))).length,
    tmpFiles: await filesUnder(path.join(dataDir, 'tmp')),
  };
}

/** A refused upload: the status, a message matching `pattern`, no server path in it, and nothing left behind. */
async function expectRefused(res: { status: number; data: any }, status: number, pattern: RegExp, before: Leftovers) {
  expect(res.status, JSON.stringify(res.data)).toBe(status);
  expect(res.data.error).toMatch(pattern);
  expect(res.data.error).not.toContain(inject('dataDir'));
  expect(res.data.error).not.toMatch(/\/tmp\/|upload-[0-9a-f-]{36}/);
  const after = await leftovers();
  expect(after).toEqual({ ...before, tmpFiles: [] });
}

function integerRows(n: number, last: string): string {
  const lines = ['id,x,label'];
  for (let i = 1; i <= n; i++) lines.push(`${i},${i * 7},row${i}`);
  lines.push(`${n + 1},${last},late`);
  return `${lines.join('\n')}\n`;
}

async function parquetOf(name: string): Promise<string> {
  const [row] = await sql<{ hash: string }[]>`
    select v.artifact_hash as hash from dataset_versions v join datasets d on d.id = v.dataset_id
    where d.name = ${name} order by v.version desc limit 1`;
  return path.join(inject('dataDir'), 'artifacts', row!.hash.slice(0, 2), row!.hash);
}

describe('malformed CSV is refused with the line and what was expected', () => {
  it('refuses ragged rows, near the top and past the type sample', async () => {
    const before = await leftovers();
    const short = await upload('ragged', 'a,b,c\n1,2,3\n4,5\n6,7,8\n');
    await expectRefused(short, 422, /line 3 has 2 values, expected 3/, before);
    const long = await upload('ragged', 'a,b,c\n1,2,3\n1,2,3,4\n');
    await expectRefused(long, 422, /line 3 has 4 values, expected 3/, before);
    const late = await upload('ragged', integerRows(30_000, '5').replace(/\n$/, '\n1,2\n'));
    await expectRefused(late, 422, /line 30003 has 2 values, expected 3/, before);
    expect((await request('GET', '/api/v1/datasets/ragged')).status).toBe(404);
  });

  it('refuses an unterminated quote instead of keeping the quote as data', async () => {
    const before = await leftovers();
    const res = await upload('unterminated', 'a,b\n1,2\n3,"hello\n');
    await expectRefused(res, 422, /line 3: a quoted value is not closed \(unterminated quote\)/, before);
    const mid = await upload('unterminated', 'a,b\n1,"x\n2,y\n');
    await expectRefused(mid, 422, /line 2: a quoted value is not closed/, before);
  });

  it('refuses duplicate column names, naming them', async () => {
    const before = await leftovers();
    const res = await upload('dups', 'a,b,A,c,b\n1,2,3,4,5\n');
    await expectRefused(res, 422, /Column names must be unique; the header repeats "a" \(columns 1 and 3\), "b" \(columns 2 and 5\)/, before);
  });

  it('refuses a file with a header and no rows', async () => {
    const before = await leftovers();
    await expectRefused(await upload('header-only', 'a,b\n'), 422, /no rows/, before);
  });
});

describe('content sent under the wrong type is refused as such', () => {
  it('refuses JSON sent as CSV and CSV sent as JSON', async () => {
    const before = await leftovers();
    await expectRefused(await upload('wrong', '[{"a": 1}]', 'text/csv'), 415, /looks like JSON.*send it as application\/json/, before);
    await expectRefused(await upload('wrong', '{"a": 1}\n{"a": 2}\n', 'text/csv'), 415, /looks like JSON/, before);
    await expectRefused(await upload('wrong', 'a,b\n1,2\n', 'application/json'), 415, /does not look like JSON.*send CSV as text\/csv/, before);
    await expectRefused(await upload('wrong', 'a,b\n1,2\n', 'application/x-ndjson'), 415, /send CSV as text\/csv/, before);
    await expectRefused(await upload('wrong', '[{"a": 1}]', 'application/x-ndjson'), 415, /send it as application\/json/, before);
    await expectRefused(await upload('wrong', 'a,b\n1,2\n', 'application/vnd.apache.parquet'), 415, /not a Parquet file/, before);
  });

  it('refuses truncated and broken JSON with where it breaks', async () => {
    const before = await leftovers();
    const rows = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ id: i, name: `n${i}` }));
    const truncated = `[${rows.join(',\n')},\n${rows[0]!.slice(0, 9)}`;
    await expectRefused(await upload('bad-json', truncated, 'application/json'), 422, /Could not read the file as JSON: line 5001, column 10: the file ends/, before);
    const nd = `${rows.slice(0, 100).join('\n')}\n{"id": 1,, "name": "x"}\n`;
    await expectRefused(await upload('bad-json', nd, 'application/x-ndjson'), 422, /NDJSON: line 101, column 10: expected a quoted key/, before);
    // Refused early in a large body: the rest is read and discarded, so the client still gets the answer.
    const big = `{"id": 0}\n{"id": 1\n${rows.join('\n').repeat(100)}\n`;
    await expectRefused(await upload('bad-json', big, 'application/x-ndjson'), 422, /NDJSON: line 2, column 9: the object does not end/, before);
  });
});

describe('column types come from a sample; later values widen a column, never become null', () => {
  it('reads a late "1.5" in an integer column as DOUBLE and says so', async () => {
    const res = await upload('late-float', integerRows(30_000, '1.5'));
    expect(res.status, JSON.stringify(res.data)).toBe(201);
    expect(res.data.rows).toBe(30_001);
    expect(res.data.columns).toContainEqual({ name: 'x', type: 'DOUBLE' });
    expect(res.data.warnings).toEqual([expect.stringMatching(/Column "x" was read as DOUBLE instead of BIGINT: line 30002 has "1\.5"/)]);
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    const file = (await parquetOf('late-float')).replaceAll("'", "''");
    const r = await duck.runAndReadAll(`SELECT count(*) FILTER (x IS NULL)::INT AS nulls, max(x) FILTER (id = 30001) AS late FROM read_parquet('${file}')`);
    expect(r.getRowObjectsJS()[0]).toEqual({ nulls: 0, late: 1.5 });
    duck.closeSync();
  });

  it('reads a late "abc" in an integer column as text and says so', async () => {
    const res = await upload('late-text', integerRows(30_000, 'abc'));
    expect(res.status, JSON.stringify(res.data)).toBe(201);
    expect(res.data.columns).toContainEqual({ name: 'x', type: 'VARCHAR' });
    expect(res.data.warnings?.[0]).toMatch(/Column "x" was read as VARCHAR instead of BIGINT: line 30002 has "abc"/);
  });
});

describe('files of several megabytes behave like small ones', () => {
  // 150,000 rows: well past DuckDB's type sample and the first megabyte kept in memory for the header.
  const N = 150_000;

  it('stores every row with its sampled types', async () => {
    const before = await leftovers();
    const res = await upload('streamed-clean', integerRows(N, '5'));
    expect(res.status, JSON.stringify(res.data)).toBe(201);
    expect(res.data.rows).toBe(N + 1);
    expect(res.data.columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'x', type: 'BIGINT' },
      { name: 'label', type: 'VARCHAR' },
    ]);
    expect(res.data.warnings).toBeUndefined();
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    const file = (await parquetOf('streamed-clean')).replaceAll("'", "''");
    const r = await duck.runAndReadAll(`SELECT sum(x)::DOUBLE AS total, count(DISTINCT label)::INT AS labels FROM read_parquet('${file}')`);
    expect(r.getRowObjectsJS()[0]).toEqual({ total: (7 * N * (N + 1)) / 2 + 5, labels: N + 1 });
    duck.closeSync();
    expect((await leftovers()).tmpFiles).toEqual([]);
    expect((await leftovers()).versions).toBe(before.versions + 1);
  });

  it('widens a column for a value past the first megabyte', async () => {
    const res = await upload('streamed-late-float', integerRows(N, '1.5'));
    expect(res.status, JSON.stringify(res.data)).toBe(201);
    expect(res.data.columns).toContainEqual({ name: 'x', type: 'DOUBLE' });
    expect(res.data.warnings).toEqual([expect.stringMatching(new RegExp(`Column "x" was read as DOUBLE instead of BIGINT: line ${N + 2} has "1\\.5"`))]);
    expect((await leftovers()).tmpFiles).toEqual([]);
  });

  it('refuses a ragged row past the first megabyte with its line, leaving nothing behind', async () => {
    const before = await leftovers();
    const res = await upload('streamed-ragged', integerRows(N, '5').replace(/\n$/, '\n1,2\n'));
    await expectRefused(res, 422, new RegExp(`line ${N + 3} has 2 values, expected 3`), before);
  });
});

describe('uploads stream and are size-limited', () => {
  const limit = inject('maxUploadBytes');

  it('stores a body streamed in small chunks, and the same bytes again as the same version', async () => {
    const text = integerRows(2000, '9');
    const bytes = new TextEncoder().encode(text);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 1000) controller.enqueue(bytes.slice(i, i + 1000));
        controller.close();
      },
    });
    const res = await fetch(`${inject('baseUrl')}/api/v1/datasets?name=chunked`, {
      method: 'POST',
      body: stream,
      headers: CSV,
      duplex: 'half',
    } as RequestInit);
    const first = (await res.json()) as any;
    expect(res.status, JSON.stringify(first)).toBe(201);
    expect(first).toMatchObject({ version: 1, rows: 2001 });
    const again = await upload('chunked', text);
    expect(again.status).toBe(200);
    expect(again.data.version).toBe(1);
    expect(await leftovers()).toMatchObject({ tmpFiles: [] });
  });

  it('answers 413 at once to a Content-Length over the limit', async () => {
    const before = await leftovers();
    const started = Date.now();
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        `${inject('baseUrl')}/api/v1/datasets?name=too-big`,
        { method: 'POST', headers: { ...CSV, 'content-length': String(limit * 4), authorization: `Bearer ${inject('tokens').admin}` } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, body: text }));
        },
      );
      req.on('error', reject);
      req.write('a,b\n1,2\n'); // and never the rest
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    await expectRefused({ status, data: JSON.parse(body) }, 413, /larger than the limit of 64 MiB \(MILLRACE_MAX_UPLOAD_BYTES/, before);
  });

  it('aborts a chunked stream that passes the limit with 413', async () => {
    const before = await leftovers();
    const row = new TextEncoder().encode('12345,67890,abcdefghij\n'.repeat(4096));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('a,b,c\n'));
      },
      pull(controller) {
        // Up to twice the limit; the server should stop reading long before.
        if (sent > limit * 2) return controller.close();
        sent += row.length;
        controller.enqueue(row);
      },
    });
    let status = 0;
    let error = '';
    try {
      const res = await fetch(`${inject('baseUrl')}/api/v1/datasets?name=too-big`, {
        method: 'POST',
        body: stream,
        headers: CSV,
        duplex: 'half',
      } as RequestInit);
      status = res.status;
      error = ((await res.json()) as any).error;
    } catch (err) {
      // The server closes the connection after its 413; a client still sending may see only that.
      error = String((err as Error).cause ?? err);
    }
    expect(sent).toBeGreaterThan(limit);
    if (status) await expectRefused({ status, data: { error } }, 413, /larger than the limit/, before);
    else {
      expect(error).toMatch(/other side closed|ECONNRESET|EPIPE|socket/i);
      await expect.poll(leftovers, { timeout: 10_000 }).toEqual({ ...before, tmpFiles: [] });
    }
  });
});
