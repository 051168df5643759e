import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '../../db/client';
import { datasets, datasetVersions } from '../../db/schema';
import { saveArtifact } from '../infra/artifact-store';
import { findVersionBySource, type DatasetVersionView } from '../infra/dataset-registry';
import { describeParquet, quoteLiteral, withDuckDb, type ColumnInfo } from '../infra/duckdb';
import { ServiceError } from '../infra/errors';
import { defaultWorkspaceId } from '../infra/workspace';

export const DATASET_NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/;
export const datasetNameSchema = z
  .string()
  .regex(DATASET_NAME, 'Dataset names use lowercase letters, digits, ".", "-" and "_", starting with a letter or digit');

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

function readerFor(format: DatasetFormat, file: string): string {
  const f = quoteLiteral(file);
  switch (format) {
    case 'csv':
      return `read_csv(${f}, header = true, auto_detect = true, sample_size = -1)`;
    case 'json':
      return `read_json(${f}, format = 'array', sample_size = -1)`;
    case 'ndjson':
      return `read_json(${f}, format = 'newline_delimited', sample_size = -1)`;
    case 'parquet':
      return `read_parquet(${f})`;
  }
}

/**
 * Registers uploaded bytes as a dataset version: parsed with DuckDB and stored as Parquet.
 * The same bytes map to the same version; different bytes make a new one.
 */
export async function ingestDatasetBytes(input: {
  name: string;
  bytes: Uint8Array;
  format: DatasetFormat;
}): Promise<DatasetVersionView & { created: boolean }> {
  const name = datasetNameSchema.parse(input.name);
  if (input.bytes.byteLength === 0) throw new ServiceError('invalid', 'The uploaded file is empty');
  const sourceHash = createHash('sha256').update(input.bytes).digest('hex');
  const db = getDb();
  const workspaceId = await defaultWorkspaceId();

  checkJsonText(input.format, input.bytes);
  const existing = await findVersionBySource(workspaceId, name, sourceHash);
  if (existing) return { ...existing, created: false };

  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-ingest-'));
  try {
    const src = path.join(scratch, `upload.${input.format}`);
    const out = path.join(scratch, 'table.parquet');
    await fs.writeFile(src, input.bytes);
    await withDuckDb(async (conn) => {
      try {
        await conn.run(`COPY (SELECT * FROM ${readerFor(input.format, src)}) TO ${quoteLiteral(out)} (FORMAT parquet)`);
      } catch (err) {
        const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
        throw new ServiceError('invalid', `Could not read the file as ${input.format.toUpperCase()}: ${detail}`);
      }
    });
    const { rows, columns } = await describeParquet(out);
    if (rows === 0) throw new ServiceError('invalid', 'The file has no rows');
    const artifact = await saveArtifact(out, 'table', { rows, columns });

    return await db.transaction(async (tx) => {
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
          sourceHash,
          sourceFormat: input.format,
          artifactHash: artifact.hash,
          rows,
          columns,
        })
        .onConflictDoNothing()
        .returning();
      if (!row) {
        // A concurrent upload of the same bytes won the race.
        const again = await findVersionBySource(workspaceId, name, sourceHash);
        return { ...again!, created: false };
      }
      return { name, version: row.version, rows, columns, artifactHash: artifact.hash, createdAt: row.createdAt, created: true };
    });
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

/**
 * DuckDB's JSON reader keeps the rows before a syntax error (a truncated array loads as its first
 * rows), so JSON uploads are checked strictly first: a broken file is refused, never half-loaded.
 */
function checkJsonText(format: DatasetFormat, bytes: Uint8Array): void {
  if (format !== 'json' && format !== 'ndjson') return;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const fail = (where: string, err: unknown) => {
    throw new ServiceError('invalid', `Could not read the file as ${format.toUpperCase()}: ${where}${(err as Error).message}`);
  };
  if (format === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      fail('', err);
    }
    if (!Array.isArray(value)) fail('', new Error('expected an array of objects'));
    const bad = (value as unknown[]).findIndex((row) => row === null || typeof row !== 'object' || Array.isArray(row));
    if (bad >= 0) fail(`item ${bad}: `, new Error('expected an object (column → value)'));
    return;
  }
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const row = JSON.parse(line);
      if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new Error('expected an object (column → value)');
    } catch (err) {
      fail(`line ${i + 1}: `, err);
    }
  });
}

export async function listDatasets(): Promise<
  { name: string; latestVersion: number; rows: number; columns: ColumnInfo[]; updatedAt: Date }[]
> {
  const workspaceId = await defaultWorkspaceId();
  const rows = await getDb()
    .selectDistinctOn([datasets.name], { name: datasets.name, v: datasetVersions })
    .from(datasets)
    .innerJoin(datasetVersions, eq(datasets.id, datasetVersions.datasetId))
    .where(eq(datasets.workspaceId, workspaceId))
    .orderBy(datasets.name, desc(datasetVersions.version));
  return rows.map((r) => ({
    name: r.name,
    latestVersion: r.v.version,
    rows: r.v.rows,
    columns: r.v.columns as ColumnInfo[],
    updatedAt: r.v.createdAt,
  }));
}
