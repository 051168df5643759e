import type { z } from 'zod';
import { readJsonBody } from './http';

// Helpers of the schedule, trigger and webhook routes.

const MAX_BODY_BYTES = 1024 * 1024;

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
