import { json } from '../../../../../../server/rest/http';
import { endpointMetricsQueryFrom } from '../../../../../../server/rest/endpoint-metrics-query';
import { route } from '../../../../../../server/rest/route';
import { endpointMetrics } from '../../../../../../server/services/endpoint-metrics';

export const dynamic = 'force-dynamic';

/** Requests, errors, latency percentiles and predictions per slot over the last hour, day or week. */
export const GET = route<{ name: string }>({ role: 'viewer' }, async (req, { params }) =>
  json(await endpointMetrics(endpointMetricsQueryFrom(params.name, new URL(req.url).searchParams))),
);
