'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTRPC, type RouterOutputs } from '../trpc';
import { Badge } from '../ui/badge';
import { Card, CardHeader, CardTitle } from '../ui/card';
import { formatRelative } from '../ui/format';
import { QueryView, formatMetric, scalarMetrics, td, th } from './query-view';

type Version = RouterOutputs['models']['get']['versions'][number];
const COLORS = ['var(--color-accent)', '#d97706', '#059669', '#7c3aed', '#db2777', '#0891b2'];

export function ModelView({ name }: { name: string }) {
  const trpc = useTRPC();
  const model = useQuery(trpc.models.get.queryOptions({ name }));
  const [selected, setSelected] = useState<number[]>([]);
  const toggle = (v: number) => setSelected((s) => (s.includes(v) ? s.filter((x) => x !== v) : [...s, v].sort((a, b) => a - b)));
  return (
    <main className="mx-auto w-full max-w-7xl space-y-5 px-6 py-7">
      <div>
        <Link href="/models" className="text-xs text-accent-strong hover:underline">
          Models
        </Link>
        <h1 className="text-xl font-semibold tracking-tight text-fg">{name}</h1>
      </div>
      <QueryView query={model} what="the model">
        {(m) => (
          <>
            <Card aria-labelledby="versions-title">
              <CardHeader>
                <CardTitle id="versions-title">Versions</CardTitle>
                <span className="text-xs text-fg-muted">Tick two or more versions to compare them</span>
              </CardHeader>
              <table className="w-full text-sm">
                <thead>
                  <tr className="border-b border-line">
                    <th scope="col" className={th}>Compare</th>
                    <th scope="col" className={th}>Version</th>
                    <th scope="col" className={th}>Algorithm</th>
                    <th scope="col" className={th}>Metrics</th>
                    <th scope="col" className={th}>Aliases</th>
                    <th scope="col" className={`${th} text-right`}>Trained</th>
                  </tr>
                </thead>
                <tbody>
                  {m.versions.map((v) => (
                    <tr key={v.version} className="border-b border-line last:border-0">
                      <td className={td}>
                        <input type="checkbox" aria-label={`Compare version ${v.version}`} checked={selected.includes(v.version)} onChange={() => toggle(v.version)} />
                      </td>
                      <td className={td}>
                        <Link href={`/models/${name}/${v.version}`} className="font-medium text-accent-strong hover:underline">
                          Version {v.version}
                        </Link>
                      </td>
                      <td className={`${td} text-fg-muted`}>{v.algorithm}</td>
                      <td className={`${td} text-xs text-fg-muted`}>
                        {scalarMetrics(v.metrics)
                          .slice(0, 3)
                          .map(([k, x]) => `${k} ${formatMetric(x)}`)
                          .join(' · ') || '—'}
                      </td>
                      <td className={td}>
                        <span className="flex gap-1">
                          {v.aliases.map((a) => (
                            <Badge key={a} tone={a === 'production' ? 'ok' : 'accent'}>
                              {a}
                            </Badge>
                          ))}
                        </span>
                      </td>
                      <td className={`${td} text-right text-xs text-fg-muted`}>{formatRelative(v.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Card>
            <AliasHistory name={name} />
            {selected.length >= 2 && <VersionComparison versions={m.versions.filter((v) => selected.includes(v.version)).reverse()} />}
          </>
        )}
      </QueryView>
    </main>
  );
}

function VersionComparison({ versions }: { versions: Version[] }) {
  const metricNames = [...new Set(versions.flatMap((v) => scalarMetrics(v.metrics).map(([k]) => k)))];
  const valueOf = (v: Version, metric: string) => (v.metrics as Record<string, unknown> | null)?.[metric] as number | undefined;
  // Counts (rows, clusters) would dwarf scores on one axis: the chart draws the metrics that are not whole numbers.
  const charted = metricNames.filter((metric) => versions.some((v) => !Number.isInteger(valueOf(v, metric) ?? 0)));
  const data = charted.map((metric) => ({
    metric,
    ...Object.fromEntries(versions.map((v) => [`v${v.version}`, valueOf(v, metric)])),
  }));
  return (
    <Card aria-labelledby="compare-title">
      <CardHeader>
        <CardTitle id="compare-title">Comparison of versions {versions.map((v) => v.version).join(', ')}</CardTitle>
      </CardHeader>
      <table className="w-full text-sm" aria-label="Metrics by version">
        <VersionsHead first="Metric" versions={versions} />
        <tbody>
          <tr className="border-b border-line">
            <th scope="row" className={`${td} text-left font-normal text-fg-muted`}>algorithm</th>
            {versions.map((v) => (
              <td key={v.version} className={td}>{v.algorithm}</td>
            ))}
          </tr>
          {metricNames.map((metric) => (
            <tr key={metric} className="border-b border-line last:border-0">
              <th scope="row" className={`${td} text-left font-normal text-fg-muted`}>{metric}</th>
              {versions.map((v) => (
                <td key={v.version} className={`${td} tabular-nums`}>
                  {formatMetric((v.metrics as Record<string, unknown> | null)?.[metric])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {charted.length > 0 && (
        <figure className="h-72 p-4" aria-label="Metrics chart">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} margin={{ top: 4, right: 16, bottom: 4, left: 8 }}>
              <CartesianGrid vertical={false} stroke="var(--color-line)" />
              <XAxis dataKey="metric" tick={{ fontSize: 11 }} />
              <YAxis tick={{ fontSize: 11 }} />
              <Tooltip />
              <Legend />
              {versions.map((v, i) => (
                <Bar key={v.version} dataKey={`v${v.version}`} name={`Version ${v.version}`} fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </figure>
      )}
      <ParameterComparison versions={versions} />
    </Card>
  );
}

const shown = (x: unknown) => (x === undefined ? '—' : typeof x === 'number' ? formatMetric(x) : x === null ? 'default' : String(x));

/** How each version was trained and on what; the rows where versions differ are marked. */
function ParameterComparison({ versions }: { versions: Version[] }) {
  const trainedOn = (v: Version) => v.trainingData.map((d) => `${d.dataset} v${d.version}`).join(', ') || '—';
  const rows: [string, (v: Version) => string][] = [
    ['trained on', trainedOn],
    ...[...new Set(versions.flatMap((v) => Object.keys(v.params)))].map((p): [string, (v: Version) => string] => [p, (v) => shown(v.params[p])]),
  ];
  return (
    <table className="w-full border-t border-line text-sm" aria-label="Parameters by version">
      <VersionsHead first="Parameter" versions={versions} />
      <tbody>
        {rows.map(([label, value]) => {
          const differs = new Set(versions.map(value)).size > 1;
          return (
            <tr key={label} className={`border-b border-line last:border-0 ${differs ? 'bg-accent-soft/40' : ''}`}>
              <th scope="row" className={`${td} text-left font-normal text-fg-muted`}>
                {label}
                {differs && (
                  <Badge tone="accent" className="ml-2">
                    differs
                  </Badge>
                )}
              </th>
              {versions.map((v) => (
                <td key={v.version} className={`${td} tabular-nums`}>
                  {value(v)}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function AliasHistory({ name }: { name: string }) {
  const trpc = useTRPC();
  const history = useQuery(trpc.models.aliasHistory.queryOptions({ name, limit: 20 }));
  return (
    <Card aria-labelledby="alias-history-title">
      <CardHeader>
        <CardTitle id="alias-history-title">Alias history</CardTitle>
      </CardHeader>
      <div className="p-4 text-sm">
        <QueryView query={history} what="the alias history">
          {(h) =>
            h.events.length === 0 ? (
              <p className="text-fg-muted">No alias was set yet; point one at a version from the version’s page.</p>
            ) : (
              <ul aria-label="Alias moves" className="space-y-1">
                {h.events.map((e) => (
                  <li key={e.id}>
                    <span className="font-medium">{e.alias}</span> {e.from === null ? 'set to' : `moved from version ${e.from} to`} version {e.to} by <AliasActor actor={e.actor} />{' '}
                    <span className="text-xs text-fg-muted">{formatRelative(e.at)}</span>
                  </li>
                ))}
              </ul>
            )
          }
        </QueryView>
      </div>
    </Card>
  );
}

/**
 * Who moved an alias: a person or client by name, a run's deploy step (`run:<id>/<step>`, linked to the
 * run) or an endpoint's rollback (`rollback:<endpoint> by <who>`, linked to the endpoint).
 */
function AliasActor({ actor }: { actor: string }) {
  const step = /^run:([0-9a-f-]{36})\/(.+)$/.exec(actor);
  if (step) {
    return (
      <>
        <Link href={`/runs/${step[1]}`} className="text-accent-strong hover:underline">
          run {step[1]!.slice(0, 8)}
        </Link>{' '}
        (deploy step {step[2]})
      </>
    );
  }
  const rollback = /^rollback:(\S+) by (.+)$/.exec(actor);
  if (rollback) {
    return (
      <>
        rollback of endpoint{' '}
        <Link href={`/endpoints/${encodeURIComponent(rollback[1]!)}`} className="text-accent-strong hover:underline">
          {rollback[1]}
        </Link>{' '}
        by {rollback[2]}
      </>
    );
  }
  return <>{actor}</>;
}

/** The head row of a table with a column per compared version. */
function VersionsHead({ first, versions }: { first: string; versions: readonly { version: number }[] }) {
  return (
    <thead>
      <tr className="border-b border-line">
        <th scope="col" className={th}>
          {first}
        </th>
        {versions.map((v) => (
          <th key={v.version} scope="col" className={th}>
            Version {v.version}
          </th>
        ))}
      </tr>
    </thead>
  );
}
