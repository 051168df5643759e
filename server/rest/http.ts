import { z } from 'zod';
import { ServiceError } from '../infra/errors';

// Small helpers every REST route uses: JSON answers, problem answers and one error mapping.

export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data), { status, headers: { 'content-type': 'application/json', ...headers } });
}

export function problem(status: number, message: string, extra: Record<string, unknown> = {}): Response {
  return json({ error: message, ...extra }, status);
}

const STATUS: Record<ServiceError['code'], number> = {
  not_found: 404,
  invalid: 400,
  conflict: 409,
  unavailable: 503,
  unprocessable: 422,
  unsupported: 415,
  too_large: 413,
};

/** Runs a handler and turns thrown errors into clear JSON answers (never an HTML 500 page). */
export async function handle(work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ServiceError) {
      const details = err.details && typeof err.details === 'object' ? (err.details as Record<string, unknown>) : {};
      return problem(STATUS[err.code], err.message, details);
    }
    if (err instanceof z.ZodError) {
      return problem(400, z.prettifyError(err), { issues: err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
    }
    console.error(err);
    return problem(500, `Internal error: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Parses a JSON body against a schema; bad JSON and schema violations become 400 with the path. */
export async function readJson<S extends z.ZodType>(req: Request, schema: S): Promise<z.output<S>> {
  const text = await req.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new ServiceError('invalid', `The body is not valid JSON: ${(err as Error).message}`);
  }
  return schema.parse(body);
}

export type RouteParams<T> = { params: Promise<T> };
