import { handle, json, type RouteParams } from '../../../../../../server/rest/http';
import { endpointMetricsQueryFrom } from '../../../../../../server/rest/endpoint-metrics-query';
import { endpointMetrics } from '../../../../../../server/services/endpoint-metrics';

export const dynamic = 'force-dynamic';

/** Requests, errors, latency percentiles and predictions per slot over the last hour, day or week. */
export async function GET(req: Request, { params }: RouteParams<{ name: string }>) {
  return handle(async () => json(await endpointMetrics(endpointMetricsQueryFrom((await params).name, new URL(req.url).searchParams))));
}
