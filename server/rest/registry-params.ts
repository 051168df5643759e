import { ServiceError } from '../infra/errors';

// Path and query values of the registry routes (/api/v1/models…, /api/v1/datasets/{name}/versions…):
// whole numbers checked here, everything else by the services' zod schemas.

/** A version number from the path: a whole number from 1. */
export function versionFromPath(raw: string, what: string): number {
  if (!/^[1-9]\d{0,8}$/.test(raw)) throw new ServiceError('invalid', `${what} version: a whole number from 1, not "${decodeURIComponent(raw)}"`);
  return Number(raw);
}

/** Whole-number query parameters; unknown or repeated ones are refused. */
export function intQueryParams<K extends string>(params: URLSearchParams, known: readonly K[]): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const key of new Set(params.keys())) {
    if (!(known as readonly string[]).includes(key)) throw new ServiceError('invalid', `Unknown query parameter "${key}"; known: ${known.join(', ')}`);
    if (params.getAll(key).length > 1) throw new ServiceError('invalid', `Query parameter "${key}" is given more than once`);
    const value = params.get(key)!;
    if (!/^\d{1,9}$/.test(value)) throw new ServiceError('invalid', `${key}: a whole number, not "${value}"`);
    out[key as K] = Number(value);
  }
  return out;
}
