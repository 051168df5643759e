import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { artifacts } from '../../db/schema';
import { config } from './config';

export type ArtifactKind = 'table' | 'model' | 'metrics' | 'report';

export interface StoredArtifact {
  hash: string;
  kind: ArtifactKind;
  sizeBytes: number;
  path: string;
}

/** Where artifact bytes live. Local folder now; an S3-compatible store implements the same interface later. */
export interface PutOptions {
  /** The store takes the file over: it is moved (renamed) into place, or deleted when the bytes are already stored. */
  move?: boolean;
}

export interface ArtifactStore {
  /** Copies a finished file (or moves it, given ownership) into the store under its content hash. `created`: the bytes were new. */
  putFile(file: string, opts?: PutOptions): Promise<{ hash: string; sizeBytes: number; created: boolean }>;
  /** Deletes stored bytes (only for bytes this caller just created and nothing references). */
  remove(hash: string): Promise<void>;
  /** A local path to read the artifact from (downloaded to a cache for remote stores). */
  localPath(hash: string): Promise<string>;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export class LocalArtifactStore implements ArtifactStore {
  constructor(private readonly root: string) {}

  private pathOf(hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`Not an artifact hash: ${hash}`);
    return path.join(this.root, hash.slice(0, 2), hash);
  }

  async putFile(file: string, opts: PutOptions = {}) {
    const hash = await sha256File(file);
    const dest = this.pathOf(hash);
    const { size } = await fs.stat(file);
    await fs.mkdir(path.dirname(dest), { recursive: true });
    const exists = await fs.stat(dest).then(() => true, () => false);
    if (exists) {
      if (opts.move) await fs.rm(file, { force: true });
      return { hash, sizeBytes: size, created: false };
    }
    if (opts.move) {
      try {
        // Same filesystem (the data dir's tmp folder): a rename, no bytes copied.
        await fs.rename(file, dest);
        return { hash, sizeBytes: size, created: true };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      }
    }
    // Copy to a temp name then rename: a crash never leaves a half-written artifact under its hash.
    const tmp = `${dest}.${process.pid}.${Date.now()}.tmp`;
    try {
      await fs.copyFile(file, tmp);
      await fs.rename(tmp, dest);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    if (opts.move) await fs.rm(file, { force: true });
    return { hash, sizeBytes: size, created: true };
  }

  async remove(hash: string) {
    await fs.rm(this.pathOf(hash), { force: true });
  }

  async localPath(hash: string) {
    const p = this.pathOf(hash);
    await fs.access(p).catch(() => {
      throw new Error(`Artifact ${hash.slice(0, 12)}… is missing from the store at ${this.root}`);
    });
    return p;
  }
}

const globalForStore = globalThis as unknown as { __millraceStore?: ArtifactStore };
export function artifactStore(): ArtifactStore {
  globalForStore.__millraceStore ??= new LocalArtifactStore(config().artifactsDir);
  return globalForStore.__millraceStore;
}

export const MEDIA_TYPES: Record<ArtifactKind, string> = {
  table: 'application/vnd.apache.parquet',
  model: 'application/onnx',
  metrics: 'application/json',
  report: 'application/json',
};

/** An artifact row to record (same bytes → same row; a second write merges its meta into the first). */
export type ArtifactRow = typeof artifacts.$inferInsert;

/** The row of a stored file, for a caller that records it later in a statement of its own. */
export async function storeFile(
  file: string,
  kind: ArtifactKind,
  meta: Record<string, unknown> = {},
  opts: PutOptions & { mediaType?: string } = {},
): Promise<ArtifactRow & { sizeBytes: number }> {
  const { hash, sizeBytes } = await artifactStore().putFile(file, opts);
  return { hash, kind, mediaType: opts.mediaType ?? MEDIA_TYPES[kind], sizeBytes, meta };
}

/** Merges a second write's meta into the row already recorded for the same bytes. */
export const mergeArtifactMeta = { meta: sql`artifacts.meta || excluded.meta` };

/** Stores the file and records the artifact row (same bytes → same row). */
export async function saveArtifact(
  file: string,
  kind: ArtifactKind,
  meta: Record<string, unknown> = {},
  opts: PutOptions & { mediaType?: string } = {},
): Promise<StoredArtifact> {
  const row = await storeFile(file, kind, meta, opts);
  await getDb().insert(artifacts).values(row).onConflictDoUpdate({ target: artifacts.hash, set: mergeArtifactMeta });
  return { hash: row.hash, kind, sizeBytes: row.sizeBytes, path: await artifactStore().localPath(row.hash) };
}

export async function saveJsonArtifact(value: unknown, kind: 'metrics' | 'report', scratchDir: string) {
  const file = path.join(scratchDir, `${kind}.json`);
  await fs.writeFile(file, JSON.stringify(value, null, 2));
  return saveArtifact(file, kind);
}
