import { ServiceError } from '../infra/errors';
import type { RunListQuery } from '../services/run-list';

// GET /api/v1/runs and /runs/compare take their filters from the query string; these turn it into the
// services' inputs (which validate it), refusing parameters the API does not know.

const LIST_PARAMS = new Set(['pipeline', 'status', 'trigger', 'from', 'to', 'limit', 'cursor']);

function only(params: URLSearchParams, known: Set<string>) {
  for (const key of new Set(params.keys())) {
    if (!known.has(key)) throw new ServiceError('invalid', `Unknown query parameter "${key}"; known: ${[...known].join(', ')}`);
    if (key !== 'status' && key !== 'ids' && params.getAll(key).length > 1) throw new ServiceError('invalid', `Query parameter "${key}" is given more than once`);
  }
}

const list = (params: URLSearchParams, key: string) =>
  params
    .getAll(key)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);

export function runListQueryFrom(params: URLSearchParams): RunListQuery {
  only(params, LIST_PARAMS);
  const limit = params.get('limit');
  if (limit !== null && !/^\d+$/.test(limit)) throw new ServiceError('invalid', `limit: a whole number from 1 to 200, not "${limit}"`);
  const status = list(params, 'status');
  return {
    pipeline: params.get('pipeline') ?? undefined,
    status: status.length ? (status as RunListQuery['status']) : undefined,
    trigger: params.get('trigger') ?? undefined,
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
    limit: limit === null ? undefined : Number(limit),
    cursor: params.get('cursor') ?? undefined,
  };
}

export function compareIdsFrom(params: URLSearchParams): { ids: string[] } {
  only(params, new Set(['ids']));
  return { ids: list(params, 'ids') };
}
