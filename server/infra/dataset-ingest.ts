// Registering bytes as a dataset version: streamed to a temporary file (hashed and size-checked), parsed
// with DuckDB and stored as Parquet. Used by the REST upload, the CLI's seed and the ingest steps alike.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '../../db/client';
import { artifacts, datasets, datasetVersions } from '../../db/schema';
import { artifactStore, MEDIA_TYPES } from './artifact-store';
import { config } from './config';
import { findVersionBySource, pointLatestAt, type DatasetVersionView } from './dataset-registry';
import { describeParquet, quoteIdent, quoteLiteral, withBoundedDuckDb, type ColumnInfo } from './duckdb';
import { ServiceError } from './errors';
import { currentWorkspaceId } from './workspace';
import { CsvHeaderError, duplicateColumns, readCsvHeader, type CsvHeader } from './csv-header';
import { JsonShapeChecker, JsonShapeError } from './json-shape-check';
import { csvDialect, csvReader, INTEGER_TYPES, NUMBER, notInteger, sniffCsv, strictSelect, WIDEN_MARK, type CsvColumn, type DuckConn } from './csv-sql';
import { receiveToFile, type ReceivedFile } from './upload-file';
import { deliverSoon, recordDatasetTriggerEvents } from './dataset-triggers';
import { DATASET_NAME, DATASET_NAME_RULE } from '../../workflows/core/dataset-name';

export { DATASET_NAME };
export const datasetNameSchema = z
  .string()
  .regex(DATASET_NAME, DATASET_NAME_RULE);

export const DATASET_FORMATS = ['csv', 'json', 'ndjson', 'parquet'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

/** Maps a Content-Type header (or a file extension) to a format. */
export function datasetFormatOf(contentTypeOrName: string | null | undefined): DatasetFormat | undefined {
  const v = (contentTypeOrName ?? '').toLowerCase().split(';')[0]!.trim();
  if (v === 'text/csv' || v.endsWith('.csv')) return 'csv';
  if (v === 'application/x-ndjson' || v === 'application/ndjson' || v === 'application/jsonl' || /\.(ndjson|jsonl)$/.test(v))
    return 'ndjson';
  if (v === 'application/json' || v.endsWith('.json')) return 'json';
  if (v === 'application/vnd.apache.parquet' || v === 'application/x-parquet' || v.endsWith('.parquet')) return 'parquet';
  return undefined;
}

/** A dataset version as an upload answers it: the version, whether it is new, and any notes on how it was read. */
export type IngestedVersion = DatasetVersionView & { created: boolean; warnings: string[] };

const SUFFIX: Record<DatasetFormat, string> = { csv: '.csv', json: '.json', ndjson: '.ndjson', parquet: '.parquet' };

/**
 * Registers an uploaded file as a dataset version: streamed to a temporary file (hashed and size-checked
 * on the way), parsed with DuckDB and stored as Parquet. The same bytes map to the same version;
 * different bytes make a new one. A refused upload leaves nothing behind.
 */
export async function ingestDatasetUpload(input: {
  name: string;
  format: DatasetFormat;
  body: AsyncIterable<Uint8Array>;
  /** Defaults to MILLRACE_MAX_UPLOAD_BYTES. */
  maxBytes?: number;
}): Promise<IngestedVersion> {
  const name = datasetNameSchema.parse(input.name);
  const { format } = input;
  const checker = format === 'json' || format === 'ndjson' ? new JsonShapeChecker(format === 'json' ? 'array' : 'lines') : undefined;
  const received = await receiveToFile(input.body, {
    dir: config().tmpDir,
    suffix: SUFFIX[format],
    maxBytes: input.maxBytes ?? config().maxUploadBytes,
    inspect: checker && ((chunk) => checker.write(chunk)),
  }).catch((err: unknown) => {
    throw err instanceof JsonShapeError ? jsonProblem(format, err) : err;
  });
  try {
    if (received.bytes === 0) throw new ServiceError('invalid', 'The uploaded file is empty');
    if (checker) {
      try {
        checker.end();
      } catch (err) {
        throw err instanceof JsonShapeError ? jsonProblem(format, err) : err;
      }
    }
    return await ingestReceived(name, format, received);
  } finally {
    await fs.rm(received.file, { force: true });
  }
}

/** An upload from a local file (the seed data), streamed the same way as an HTTP upload. */
export async function ingestDatasetFile(input: { name: string; file: string; format: DatasetFormat }): Promise<IngestedVersion> {
  return ingestDatasetUpload({ name: input.name, format: input.format, body: createReadStream(input.file) });
}

/**
 * The columns a local file would have as a dataset, read exactly as an upload is (nothing is stored).
 * The sample step's design-time schemas are checked against the real files with it.
 */
export async function describeDatasetFile(file: string, format: DatasetFormat): Promise<{ rows: number; columns: ColumnInfo[] }> {
  const checker = format === 'json' || format === 'ndjson' ? new JsonShapeChecker(format === 'json' ? 'array' : 'lines') : undefined;
  const received = await receiveToFile(createReadStream(file), {
    dir: config().tmpDir,
    suffix: SUFFIX[format],
    maxBytes: Number.MAX_SAFE_INTEGER,
    inspect: checker && ((chunk) => checker.write(chunk)),
  });
  const out = path.join(config().tmpDir, `table-${randomUUID()}.parquet`);
  try {
    checker?.end();
    checkLooksLike(format, received.head);
    await convertToParquet(format, received, out);
    return await describeParquet(out);
  } finally {
    await fs.rm(received.file, { force: true });
    await fs.rm(out, { force: true });
  }
}

function jsonProblem(format: DatasetFormat, err: JsonShapeError): ServiceError {
  const label = format === 'json' ? 'JSON' : 'NDJSON';
  return err.wrongFormat
    ? new ServiceError('unsupported', capitalize(err.message.replace(/^line \d+, column \d+: /, '')))
    : new ServiceError('unprocessable', `Could not read the file as ${label}: ${err.message}`);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

async function ingestReceived(name: string, format: DatasetFormat, received: ReceivedFile): Promise<IngestedVersion> {
  checkLooksLike(format, received.head);
  const workspaceId = currentWorkspaceId();
  const existing = await findVersionBySource(workspaceId, name, received.sha256);
  if (existing) {
    // The same bytes as an earlier version: that version again, and — as for any upload — the one
    // "latest" means from now on (re-uploading a good file undoes a bad one without a second step).
    const moved = await pointLatestAt(existing.datasetId, existing.version);
    const warnings =
      moved && moved.before !== existing.version
        ? [`Identical to version ${existing.version}, which is "latest" again (it was version ${moved.before})`]
        : [];
    return { ...withoutDatasetId(existing), created: false, warnings };
  }

  const out = path.join(config().tmpDir, `table-${randomUUID()}.parquet`);
  try {
    const { warnings } = await convertToParquet(format, received, out);
    const { rows, columns } = await describeParquet(out);
    if (rows === 0) throw new ServiceError('unprocessable', 'The file has no rows');
    const store = artifactStore();
    const stored = await store.putFile(out, { move: true });
    try {
      const { triggerEvents, ...version } = await recordVersion({ workspaceId, name, format, sourceHash: received.sha256, stored, rows, columns });
      deliverSoon(triggerEvents);
      return { ...version, warnings: version.created ? warnings : [] };
    } catch (err) {
      if (stored.created) await store.remove(stored.hash).catch(() => {});
      throw err;
    }
  } finally {
    await fs.rm(out, { force: true });
  }
}

/**
 * The artifact row, the dataset version and its dataset triggers' outbox events, in one transaction
 * (the same bytes again make no new version and no events).
 */
async function recordVersion(v: {
  workspaceId: string;
  name: string;
  format: DatasetFormat;
  sourceHash: string;
  stored: { hash: string; sizeBytes: number };
  rows: number;
  columns: ColumnInfo[];
}): Promise<DatasetVersionView & { created: boolean; triggerEvents: number[] }> {
  const { workspaceId, name, rows, columns } = v;
  return getDb().transaction(async (tx) => {
    await tx
      .insert(artifacts)
      .values({ hash: v.stored.hash, kind: 'table', mediaType: MEDIA_TYPES.table, sizeBytes: v.stored.sizeBytes, meta: { rows, columns } })
      .onConflictDoUpdate({ target: artifacts.hash, set: { meta: sql`artifacts.meta || excluded.meta` } });
    await tx.insert(datasets).values({ workspaceId, name }).onConflictDoNothing();
    const [ds] = await tx
      .select({ id: datasets.id })
      .from(datasets)
      .where(and(eq(datasets.workspaceId, workspaceId), eq(datasets.name, name)))
      .for('update');
    const [{ next }] = (await tx
      .select({ next: sql<number>`coalesce(max(${datasetVersions.version}), 0) + 1` })
      .from(datasetVersions)
      .where(eq(datasetVersions.datasetId, ds!.id))) as [{ next: number }];
    const [row] = await tx
      .insert(datasetVersions)
      .values({
        datasetId: ds!.id,
        version: Number(next),
        sourceHash: v.sourceHash,
        sourceFormat: v.format,
        artifactHash: v.stored.hash,
        rows,
        columns,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) {
      // A concurrent upload of the same bytes won the race.
      const again = await findVersionBySource(workspaceId, name, v.sourceHash);
      return { ...withoutDatasetId(again!), created: false, triggerEvents: [] };
    }
    // A new version is the new "latest", whatever an earlier version was set back to.
    await tx.update(datasets).set({ latestVersion: null }).where(eq(datasets.id, ds!.id));
    const triggerEvents = await recordDatasetTriggerEvents(tx, workspaceId, name, row.version);
    return { name, version: row.version, rows, columns, artifactHash: v.stored.hash, createdAt: row.createdAt, created: true, triggerEvents };
  });
}

function withoutDatasetId<T extends { datasetId: string }>({ datasetId: _, ...v }: T) {
  return v;
}

const PARQUET_MAGIC = Buffer.from('PAR1');

/** Content sent under the wrong Content-Type is refused as such, before DuckDB guesses at it. */
function checkLooksLike(format: DatasetFormat, head: Buffer): void {
  const isParquet = head.subarray(0, 4).equals(PARQUET_MAGIC);
  if (format === 'parquet') {
    if (isParquet) return;
    const first = firstByte(head);
    const looks = first === 0x5b || first === 0x7b ? 'JSON; send it as application/json or application/x-ndjson' : 'text (CSV?); send CSV as text/csv';
    throw new ServiceError('unsupported', `This is not a Parquet file (it does not start with "PAR1"): it looks like ${looks}`);
  }
  if (isParquet) {
    throw new ServiceError('unsupported', 'This looks like a Parquet file; send it as application/vnd.apache.parquet');
  }
  if (format === 'csv') {
    const first = firstByte(head);
    if (first === 0x5b || first === 0x7b) {
      throw new ServiceError(
        'unsupported',
        `This looks like JSON, not CSV (it starts with "${String.fromCharCode(first)}"); send it as application/json (an array of objects) or application/x-ndjson (one object per line)`,
      );
    }
  }
}

function firstByte(head: Buffer): number | undefined {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  return head[i];
}

async function convertToParquet(format: DatasetFormat, received: ReceivedFile, out: string): Promise<{ warnings: string[] }> {
  const src = quoteLiteral(received.file);
  const copy = (reader: string) => `COPY (SELECT * FROM ${reader}) TO ${quoteLiteral(out)} (FORMAT parquet)`;
  if (format === 'csv') return csvToParquet(received, out);
  // JSON types come from every row (sample_size = -1): DuckDB would otherwise round a late 1.5 into a
  // column sampled as BIGINT. The shape was already checked while the file streamed in.
  const reader =
    format === 'parquet'
      ? `read_parquet(${src})`
      : `read_json(${src}, format = '${format === 'json' ? 'array' : 'newline_delimited'}', sample_size = -1)`;
  await withBoundedDuckDb(async (conn) => {
    try {
      await conn.run(copy(reader));
    } catch (err) {
      throw new ServiceError('unprocessable', `Could not read the file as ${format.toUpperCase()}: ${duckDbProblem(err, [received.file, out])}`);
    }
  });
  return { warnings: [] };
}

/**
 * CSV → Parquet in one DuckDB pass after sniffing a sample. The dialect and the column names come from
 * the header line; column types from DuckDB's sample of the first rows. A later value that does not fit
 * its column's sampled type widens that column (integer → DOUBLE, anything else → VARCHAR) and the file
 * is read again, with a warning saying so; rows that break the CSV layout are refused with their line.
 */
async function csvToParquet(received: ReceivedFile, out: string): Promise<{ warnings: string[] }> {
  let header: CsvHeader;
  try {
    header = readCsvHeader(received.head, received.bytes <= received.head.length);
  } catch (err) {
    if (err instanceof CsvHeaderError) throw new ServiceError('unprocessable', `Could not read the file as CSV: ${err.message}`);
    throw err;
  }
  const dups = duplicateColumns(header.names);
  if (dups.length) {
    const list = dups.map((d) => `"${d.name}" (columns ${d.positions.join(' and ')})`).join(', ');
    throw new ServiceError('unprocessable', `Column names must be unique; the header repeats ${list}. Rename them and upload again.`, {
      duplicateColumns: dups,
    });
  }
  const paths = [received.file, out];
  const file = quoteLiteral(received.file);
  // Fixed dialect, no skipped lines: DuckDB's sniffer may otherwise pick another reading of a broken file.
  const dialect = csvDialect(header);
  const fail = (message: string) => new ServiceError('unprocessable', `Could not read the file as CSV: ${message}`);

  return withBoundedDuckDb(async (conn) => {
    let sniffed: { columns: CsvColumn[]; formats: string };
    try {
      sniffed = await sniffCsv(conn, file, dialect);
    } catch (err) {
      // A broken row within the sniffer's sample: find it with a plain read of the same dialect.
      throw fail((await diagnoseCsv(conn, file, header, dialect, paths)) ?? duckDbProblem(err, paths));
    }
    const columns = sniffed.columns;
    const warnings: string[] = [];
    for (let attempt = 0; attempt <= columns.length * 2; attempt++) {
      // Integer columns are read as text and cast in SQL: DuckDB's own cast rounds "1.5" to 2 silently.
      const reader = csvReader(file, dialect, sniffed.formats, columns);
      try {
        await conn.run(`COPY (${strictSelect(columns, reader)}) TO ${quoteLiteral(out)} (FORMAT parquet)`);
        return { warnings };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const widened = widenedColumn(message, columns) ?? (await widenedInteger(conn, message, columns, reader));
        if (widened) {
          const column = columns[widened.index]!;
          warnings.push(
            `Column "${column.name}" was read as ${widened.to} instead of ${column.type}: line ${widened.line} has "${widened.value}" ` +
              '(column types are detected from the first rows)',
          );
          column.type = widened.to;
          continue;
        }
        throw fail(csvLineProblem(message, paths) ?? duckDbProblem(err, paths));
      }
    }
    throw fail('too many columns needed a wider type than the sample suggested');
  });
}

/** A type error DuckDB's CSV reader found (it gives the line). */
function widenedColumn(message: string, columns: CsvColumn[]) {
  const line = /CSV Error on Line: (\d+)/.exec(message)?.[1];
  const conv = /Could not convert string "(.*)" to '([A-Z0-9_() ,]+)'/.exec(message);
  if (!line || !conv) return undefined;
  const index = columns.findIndex((c) => message.includes(`Error when converting column "${c.name}".`));
  if (index < 0 || columns[index]!.type === 'VARCHAR') return undefined;
  return widening(index, columns[index]!.type, conv[1]!, Number(line));
}

/** A value of an integer column that is not a whole number: which line it is on (one more read, only then). */
async function widenedInteger(conn: DuckConn, message: string, columns: CsvColumn[], reader: string) {
  const m = new RegExp(`${WIDEN_MARK}(\\d+): (.*)`).exec(message);
  if (!m) return undefined;
  const index = Number(m[1]);
  const column = columns[index];
  if (!column) return undefined;
  const found = await conn.runAndReadAll(
    `SELECT rn::BIGINT AS rn, v FROM (SELECT row_number() OVER () AS rn, ${quoteIdent(column.name)} AS v, ` +
      `${notInteger(column, `TRY_CAST(${quoteIdent(column.name)} AS ${column.type})`)} AS bad FROM ${reader}) WHERE bad LIMIT 1`,
  );
  const row = found.getRowObjectsJS()[0] as { rn: bigint; v: string } | undefined;
  // Line = data row + 1 for the header (exact unless quoted values span lines).
  return widening(index, column.type, row?.v ?? m[2]!, row ? Number(row.rn) + 1 : NaN);
}

function widening(index: number, from: string, value: string, line: number) {
  const to = INTEGER_TYPES.test(from) && NUMBER.test(value) ? 'DOUBLE' : 'VARCHAR';
  return { index, to, value: value.length > 80 ? `${value.slice(0, 80)}…` : value, line };
}

/** The line-numbered problem of a CSV file read without type detection (every column as text). */
async function diagnoseCsv(conn: DuckConn, file: string, header: CsvHeader, dialect: string, paths: string[]): Promise<string | undefined> {
  const columns = header.names.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  try {
    await conn.run(`SELECT count(*) FROM read_csv(${file}, ${dialect}, auto_detect = false, columns = {${columns}})`);
    return undefined;
  } catch (err) {
    return csvLineProblem(err instanceof Error ? err.message : String(err), paths);
  }
}

/** DuckDB's CSV error as one sentence with the line number, or undefined when it is not about a line. */
function csvLineProblem(message: string, paths: string[]): string | undefined {
  const line = /CSV Error on Line: (\d+)/.exec(message)?.[1];
  if (!line) return undefined;
  const original = /Original Line: ?(.*)/.exec(message)?.[1]?.trim();
  const shown = original ? `: ${original.length > 120 ? `${original.slice(0, 120)}…` : original}` : '';
  const cols = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  if (cols) return `line ${line} has ${cols[2]} value${cols[2] === '1' ? '' : 's'}, expected ${cols[1]} (one per header column)${shown}`;
  if (/unterminated quote/i.test(message)) return `line ${line}: a quoted value is not closed (unterminated quote)${shown}`;
  const detail = duckDbProblem(message, paths)
    .replace(/CSV Error on Line: \d+\s*/, '')
    .replace(/Original Line:.*?(?=Error|$)/, '')
    .trim();
  return `line ${line}: ${detail}`;
}

/** DuckDB's message without its advice for SQL users, the query, or the server's temporary paths. */
function duckDbProblem(err: unknown, paths: string[]): string {
  let message = err instanceof Error ? err.message : String(err);
  for (const p of [...paths, config().tmpDir, config().dataDir]) {
    message = message.replaceAll(`"${p}"`, 'the upload').replaceAll(`'${p}'`, 'the upload').replaceAll(p, 'the upload');
  }
  const kept: string[] = [];
  for (const raw of message.split('\n')) {
    const line = raw.trim();
    if (/^(Possible (fixes|solutions)|LINE \d+:|file = |Try increasing)/.test(line)) break;
    if (line) kept.push(line);
  }
  const text = kept.join(' ').replace(/^(Invalid Input|Conversion|IO|Binder|Parser) Error: /, '').replace(/ \| Try increasing.*$/, '');
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}
