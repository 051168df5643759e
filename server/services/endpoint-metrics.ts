import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '../../db/client';
import { endpoints } from '../../db/schema';
import { ENDPOINT_NAME } from '../../workflows/steps/deploy.endpoint/definition';
import { notFound } from '../infra/errors';
import { currentWorkspaceId } from '../infra/workspace';

// An endpoint's serving metrics over a window, computed in Postgres from prediction_logs: requests, error
// rate and latency percentiles per slot, over time, and what the models predicted over time. The shadow
// challenger's scoring of production's requests is its own series ("shadow"): it never answers.

export const METRICS_WINDOWS = { hour: { seconds: 3600, bucket: 60 }, day: { seconds: 86_400, bucket: 900 }, week: { seconds: 604_800, bucket: 7200 } } as const;
export type MetricsWindow = keyof typeof METRICS_WINDOWS;
/** Classes drawn one by one in the prediction distribution; the rest are summed as "other". */
const MAX_CLASSES = 8;

export const endpointMetricsQuery = z.strictObject({
  name: z.string().regex(ENDPOINT_NAME, 'Not an endpoint name: lowercase letters, digits, "-" and "_"'),
  window: z.enum(['hour', 'day', 'week'], 'window: "hour", "day" or "week"').default('hour'),
});
export type EndpointMetricsQuery = z.input<typeof endpointMetricsQuery>;

const latency = z.object({ p50: z.number(), p95: z.number(), p99: z.number() }).describe('Milliseconds from the parsed request to the scored answer');
const seriesName = z.enum(['production', 'staging', 'shadow']).describe('production; staging (asked for with ?slot=staging, or a canary answering its share); shadow (the challenger scoring production’s requests)');

export const endpointMetricsResponse = z.object({
  endpoint: z.string(),
  window: z.enum(['hour', 'day', 'week']),
  bucketSeconds: z.number().int(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  slots: z
    .array(
      z.object({
        slot: seriesName,
        requests: z.number().int(),
        /** Requests answered with a status of 400 or more (bad rows, a body that is not JSON, too many rows). */
        errors: z.number().int(),
        errorRate: z.number().describe('errors ÷ requests'),
        rows: z.number().int().describe('Rows scored'),
        requestsPerMinute: z.number(),
        latencyMs: latency.nullable(),
        timeline: z.array(
          z.object({ t: z.iso.datetime().describe('Start of the bucket'), requests: z.number().int(), errors: z.number().int(), latencyMs: latency.nullable() }),
        ),
        predictions: z
          .discriminatedUnion('kind', [
            z.object({
              kind: z.literal('classes'),
              classes: z.array(z.string()).describe(`The ${MAX_CLASSES} most predicted classes (or clusters), then "other" when there are more`),
              points: z.array(z.object({ t: z.iso.datetime(), counts: z.record(z.string(), z.number().int()) })),
            }),
            z.object({
              kind: z.literal('values'),
              points: z.array(z.object({ t: z.iso.datetime(), count: z.number().int(), mean: z.number().nullable(), p10: z.number().nullable(), p50: z.number().nullable(), p90: z.number().nullable() })),
            }),
          ])
          .nullable()
          .describe('The logged predictions per bucket: counts per class, or the spread of predicted values; null without predictions'),
      }),
    )
    .describe('Slots with requests in the window; empty when there were none'),
});
export type EndpointMetrics = z.infer<typeof endpointMetricsResponse>;
type Latency = z.infer<typeof latency>;

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const latencyOf = (r: { p50: unknown; p95: unknown; p99: unknown }): Latency | null =>
  r.p50 === null || r.p50 === undefined ? null : { p50: Number(r.p50), p95: Number(r.p95), p99: Number(r.p99) };

export async function endpointMetrics(raw: EndpointMetricsQuery, now = new Date()): Promise<EndpointMetrics> {
  const q = endpointMetricsQuery.parse(raw);
  const db = getDb();
  const [endpoint] = await db
    .select({ id: endpoints.id })
    .from(endpoints)
    .where(and(eq(endpoints.workspaceId, currentWorkspaceId()), eq(endpoints.name, q.name)));
  if (!endpoint) throw notFound(`Endpoint "${q.name}"`);

  const { seconds, bucket } = METRICS_WINDOWS[q.window];
  const to = now.getTime() / 1000;
  // Buckets aligned to the clock, the first one holding the window's start.
  const first = Math.floor((to - seconds) / bucket) * bucket;
  const buckets: number[] = [];
  for (let t = first; t <= to; t += bucket) buckets.push(t);
  const from = new Date(first * 1000);

  const logs = sql`(
    select l.created_at, l.latency_ms, l.status, l.row_count, l.outputs, mv.task,
           floor(extract(epoch from l.created_at) / ${bucket}) * ${bucket} as t,
           case when l.shadow then 'shadow' else l.slot end as series
    from prediction_logs l join model_versions mv on mv.id = l.model_version_id
    where l.endpoint_id = ${endpoint.id} and l.created_at >= ${from.toISOString()}::timestamptz and l.created_at <= ${now.toISOString()}::timestamptz
  )`;
  const percentiles = sql`percentile_cont(0.5) within group (order by latency_ms) as p50,
    percentile_cont(0.95) within group (order by latency_ms) as p95,
    percentile_cont(0.99) within group (order by latency_ms) as p99`;
  type Row = Record<string, unknown>;
  const [totals, timeline, classes, values] = (await Promise.all([
    db.execute(sql`select series, count(*)::int as requests, (count(*) filter (where status >= 400))::int as errors,
      coalesce(sum(row_count), 0)::bigint as rows, ${percentiles} from ${logs} logs group by series`),
    db.execute(sql`select series, t::double precision as t, count(*)::int as requests, (count(*) filter (where status >= 400))::int as errors,
      ${percentiles} from ${logs} logs group by series, t`),
    db.execute(sql`select series, t::double precision as t, p.label, count(*)::int as n
      from ${logs} logs, jsonb_array_elements_text(logs.outputs -> 'predictions') as p(label)
      where status < 400 and task <> 'regression' group by series, t, p.label`),
    db.execute(sql`select series, t::double precision as t, count(*)::int as n, avg(v) as mean,
      percentile_cont(0.1) within group (order by v) as p10, percentile_cont(0.5) within group (order by v) as p50,
      percentile_cont(0.9) within group (order by v) as p90
      from ${logs} logs, jsonb_array_elements(logs.outputs -> 'predictions') as p(value), lateral (select (p.value #>> '{}')::double precision as v) x
      where status < 400 and task = 'regression' and jsonb_typeof(p.value) = 'number' group by series, t`),
  ])) as unknown as Row[][];

  const order = ['production', 'staging', 'shadow'];
  const slots = (totals as Row[])
    .sort((a, b) => order.indexOf(String(a.series)) - order.indexOf(String(b.series)))
    .map((total) => {
      const series = String(total.series) as EndpointMetrics['slots'][number]['slot'];
      const requests = Number(total.requests);
      const errors = Number(total.errors);
      const byBucket = new Map(timeline.filter((r) => r.series === series).map((r) => [Number(r.t), r]));
      return {
        slot: series,
        requests,
        errors,
        errorRate: requests ? errors / requests : 0,
        rows: Number(total.rows),
        requestsPerMinute: requests / ((to - first) / 60),
        latencyMs: latencyOf(total as { p50: unknown; p95: unknown; p99: unknown }),
        timeline: buckets.map((t) => {
          const r = byBucket.get(t);
          return { t: iso(t), requests: Number(r?.requests ?? 0), errors: Number(r?.errors ?? 0), latencyMs: r ? latencyOf(r as { p50: unknown; p95: unknown; p99: unknown }) : null };
        }),
        predictions: predictionsOf(
          buckets,
          classes.filter((r) => r.series === series),
          values.filter((r) => r.series === series),
        ),
      };
    });
  return { endpoint: q.name, window: q.window, bucketSeconds: bucket, from: from.toISOString(), to: now.toISOString(), slots };
}

function predictionsOf(buckets: number[], classes: Record<string, unknown>[], values: Record<string, unknown>[]): EndpointMetrics['slots'][number]['predictions'] {
  if (classes.length) {
    const totals = new Map<string, number>();
    for (const r of classes) totals.set(String(r.label), (totals.get(String(r.label)) ?? 0) + Number(r.n));
    const ranked = [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([label]) => label);
    const shown = ranked.slice(0, MAX_CLASSES);
    const other = ranked.length > MAX_CLASSES;
    const counts = new Map<number, Record<string, number>>();
    for (const t of buckets) counts.set(t, Object.fromEntries([...shown, ...(other ? ['other'] : [])].map((c) => [c, 0])));
    for (const r of classes) {
      const c = counts.get(Number(r.t));
      if (!c) continue;
      const label = shown.includes(String(r.label)) ? String(r.label) : 'other';
      c[label]! += Number(r.n);
    }
    return { kind: 'classes', classes: [...shown, ...(other ? ['other'] : [])], points: buckets.map((t) => ({ t: iso(t), counts: counts.get(t)! })) };
  }
  if (values.length) {
    const byBucket = new Map(values.map((r) => [Number(r.t), r]));
    return {
      kind: 'values',
      points: buckets.map((t) => {
        const r = byBucket.get(t);
        return { t: iso(t), count: Number(r?.n ?? 0), mean: num(r?.mean), p10: num(r?.p10), p50: num(r?.p50), p90: num(r?.p90) };
      }),
    };
  }
  return null;
}
