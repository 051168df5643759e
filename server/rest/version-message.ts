import { versionMessageSchema } from '../../workflows/core/version-message';
import { HttpError } from './http';

/**
 * The message of a version saved through REST: `?message=` (any text, URL-encoded) or the
 * X-Millrace-Message header (printable ASCII, as headers carry); not both.
 */
export function versionMessageOf(req: Request): string | undefined {
  const fromQuery = new URL(req.url).searchParams.get('message');
  const fromHeader = req.headers.get('x-millrace-message');
  if (fromQuery !== null && fromHeader !== null) throw new HttpError(400, 'Give the version message as ?message= or as X-Millrace-Message, not both');
  const raw = fromQuery ?? fromHeader;
  if (raw === null) return undefined;
  const parsed = versionMessageSchema.safeParse(raw);
  if (!parsed.success) throw new HttpError(400, parsed.error.issues[0]?.message ?? 'Not a version message');
  return parsed.data;
}
