import { ServiceError } from '../infra/errors';
import type { EndpointMetricsQuery } from '../services/endpoint-metrics';

// GET /api/v1/endpoints/{name}/metrics takes its window from the query string (the service validates it);
// parameters the API does not know are refused rather than ignored.

export function endpointMetricsQueryFrom(name: string, params: URLSearchParams): EndpointMetricsQuery {
  for (const key of new Set(params.keys())) {
    if (key !== 'window') throw new ServiceError('invalid', `Unknown query parameter "${key}"; known: window`);
    if (params.getAll(key).length > 1) throw new ServiceError('invalid', `Query parameter "${key}" is given more than once`);
  }
  const window = params.get('window');
  return { name, ...(window === null ? {} : { window: window as EndpointMetricsQuery['window'] }) };
}
