import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ServiceError } from './errors';

// An upload streamed to a temporary file: hashed and size-checked on the way, never held in memory.

/** Bytes of the file's start kept in memory (enough for a CSV header line). */
export const HEAD_BYTES = 1024 * 1024;
const WRITE_BYTES = 1024 * 1024;

export interface ReceivedFile {
  /** The temporary file; the caller owns it (moves it or deletes it). */
  file: string;
  sha256: string;
  bytes: number;
  /** The first HEAD_BYTES bytes (all of them for a small file). */
  head: Buffer;
}

export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}

export function uploadTooLarge(maxBytes: number): ServiceError {
  return new ServiceError(
    'too_large',
    `The upload is larger than the limit of ${formatBytes(maxBytes)} (MILLRACE_MAX_UPLOAD_BYTES on the server)`,
    { limitBytes: maxBytes },
  );
}

/**
 * Writes a stream of bytes to a new file in `dir`, hashing it (sha256) and counting bytes as they pass.
 * More than `maxBytes` aborts at once with a 413 error. `inspect` sees every chunk in order and may
 * throw to refuse the upload: then the partial file is deleted and the rest of the body is read and
 * discarded (so the client, still sending, gets the answer) before that error is thrown. On any failure
 * no file is left behind.
 */
export async function receiveToFile(
  body: AsyncIterable<Uint8Array>,
  opts: { dir: string; suffix: string; maxBytes: number; inspect?: (chunk: Uint8Array) => void },
): Promise<ReceivedFile> {
  await fs.mkdir(opts.dir, { recursive: true });
  const file = path.join(opts.dir, `upload-${randomUUID()}${opts.suffix}`);
  let handle: fs.FileHandle | undefined = await fs.open(file, 'wx');
  const hash = createHash('sha256');
  const headParts: Buffer[] = [];
  let headLength = 0;
  let bytes = 0;
  let refused: unknown;
  // Chunks (often 64 KiB) are written a megabyte at a time: one writev instead of many awaited writes.
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    let written = 0;
    while (written < pendingBytes) {
      const { bytesWritten } = written === 0 ? await handle!.writev(pending) : await handle!.write(Buffer.concat(pending).subarray(written));
      written += bytesWritten;
    }
    pending = [];
    pendingBytes = 0;
  };
  const discard = async () => {
    await handle?.close().catch(() => {});
    handle = undefined;
    await fs.rm(file, { force: true });
  };
  try {
    for await (const chunk of body) {
      bytes += chunk.byteLength;
      if (bytes > opts.maxBytes) throw refused ?? uploadTooLarge(opts.maxBytes);
      if (refused) continue;
      try {
        opts.inspect?.(chunk);
      } catch (err) {
        refused = err;
        await discard();
        continue;
      }
      hash.update(chunk);
      if (headLength < HEAD_BYTES) {
        const part = Buffer.from(chunk.subarray(0, HEAD_BYTES - headLength));
        headParts.push(part);
        headLength += part.length;
      }
      pending.push(chunk);
      pendingBytes += chunk.byteLength;
      // Awaiting each write is the backpressure: the body is read no faster than the disk takes it.
      if (pendingBytes >= WRITE_BYTES) await flush();
    }
    if (refused) throw refused;
    await flush();
    await handle!.close();
  } catch (err) {
    await discard();
    throw err;
  }
  return { file, sha256: hash.digest('hex'), bytes, head: Buffer.concat(headParts) };
}
