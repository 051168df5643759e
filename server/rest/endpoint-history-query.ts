import { ServiceError } from '../infra/errors';
import type { EndpointHistoryQuery } from '../services/endpoint-history';

// GET /api/v1/endpoints/{name}/history takes its paging from the query string; this turns it into the
// service's input (which validates it), refusing parameters the API does not know.

const HISTORY_PARAMS = new Set(['limit', 'cursor']);

export function endpointHistoryQueryFrom(name: string, params: URLSearchParams): EndpointHistoryQuery {
  for (const key of new Set(params.keys())) {
    if (!HISTORY_PARAMS.has(key)) throw new ServiceError('invalid', `Unknown query parameter "${key}"; known: ${[...HISTORY_PARAMS].join(', ')}`);
    if (params.getAll(key).length > 1) throw new ServiceError('invalid', `Query parameter "${key}" is given more than once`);
  }
  const limit = params.get('limit');
  if (limit !== null && !/^\d+$/.test(limit)) throw new ServiceError('invalid', `limit: a whole number from 1 to 200, not "${limit}"`);
  return { name, limit: limit === null ? undefined : Number(limit), cursor: params.get('cursor') ?? undefined };
}
