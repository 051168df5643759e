import type { z } from 'zod';
import { HttpError, readJsonBody } from './http';

// Helpers of the schedule, trigger and webhook routes.

const MAX_BODY_BYTES = 1024 * 1024;

/** Who changes something through the API: `X-Millrace-User` until accounts exist, else "api". */
export function actorOf(req: Request): string {
  const named = req.headers.get('x-millrace-user')?.trim();
  if (!named) return 'api';
  if (named.length > 100 || /[\u0000-\u001f\u007f]/.test(named)) throw new HttpError(400, 'X-Millrace-User must be at most 100 printable characters');
  return named;
}

/** A JSON body that may also be left out entirely (then the schema sees `{}`). */
export async function readOptionalJsonBody<S extends z.ZodType>(req: Request, schema: S): Promise<z.output<S>> {
  const length = req.headers.get('content-length');
  if (!req.body || length === '0' || (!req.headers.get('content-type') && !length && req.headers.get('transfer-encoding') === null)) {
    return schema.parse({});
  }
  return readJsonBody(req, schema, { maxBytes: MAX_BODY_BYTES });
}

export function readBody<S extends z.ZodType>(req: Request, schema: S): Promise<z.output<S>> {
  return readJsonBody(req, schema, { maxBytes: MAX_BODY_BYTES });
}
