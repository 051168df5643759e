import { checkJsonText, type DocumentLimits } from '../../workflows/core/limits';

// Reading request bodies with a bound: the size is checked as the bytes arrive (never the whole
// unbounded body in memory), the JSON nesting before JSON.parse or anything recursive sees it.

export type BodyResult<T> = { ok: true; value: T } | { ok: false; status: 400 | 413 | 415 | 422; message: string };

/** The body as text, or 413 once it passes `maxBytes` (by Content-Length up front, or while streaming). */
export async function readTextBody(req: Request, maxBytes: number): Promise<BodyResult<string>> {
  const tooLarge = (): BodyResult<string> => ({ ok: false, status: 413, message: `The body is larger than ${maxBytes} bytes` });
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge();
  if (!req.body) return { ok: true, value: '' };
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return tooLarge();
    }
    chunks.push(value);
  }
  try {
    return { ok: true, value: new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)) };
  } catch {
    return { ok: false, status: 400, message: 'The body is not valid UTF-8 text' };
  }
}

/** A pipeline document (or any bounded JSON) from the body: size 413, nesting 422, syntax 400. */
export async function readDocumentBody(req: Request, limits: DocumentLimits): Promise<BodyResult<unknown>> {
  const text = await readTextBody(req, limits.maxBytes);
  if (!text.ok) return text;
  const violation = checkJsonText(text.value, Buffer.byteLength(text.value), limits);
  if (violation) return { ok: false, status: violation.status, message: violation.message };
  try {
    return { ok: true, value: JSON.parse(text.value) };
  } catch (err) {
    return { ok: false, status: 400, message: `The body is not valid JSON: ${(err as Error).message}` };
  }
}
