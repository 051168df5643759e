'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Download } from 'lucide-react';
import Link from 'next/link';
import { useState } from 'react';
import { MODEL_ALIASES, type ModelAlias } from '../../workflows/core/model-aliases';
import { useTRPC } from '../trpc';
import { Badge } from '../ui/badge';
import { Button, buttonClasses } from '../ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '../ui/card';
import { formatDateTime } from '../ui/format';
import { LineageGraph, slotsText } from './lineage-graph';
import { QueryView, formatMetric, td, th } from './query-view';
import { useRole } from '../auth/use-role';

export function ModelVersionView({ name, version }: { name: string; version: number }) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.models.version.queryOptions({ name, version }));
  const base = `/api/v1/models/${encodeURIComponent(name)}/versions/${version}`;
  return (
    <main className="mx-auto w-full max-w-7xl space-y-5 px-6 py-7">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <Link href={`/models/${name}`} className="text-xs text-accent-strong hover:underline">
            {name}
          </Link>
          <h1 className="text-xl font-semibold tracking-tight text-fg">
            {name} version {version}
          </h1>
        </div>
        <div className="flex gap-2">
          <a href={`${base}/onnx`} download className={buttonClasses('secondary', 'sm')}>
            <Download aria-hidden />
            Download ONNX
          </a>
          <a href={`${base}/card`} download className={buttonClasses('secondary', 'sm')}>
            <Download aria-hidden />
            Download model card
          </a>
        </div>
      </div>
      <QueryView query={detail} what="the model version">
        {(v) => (
          <>
            <Card aria-labelledby="about-title">
              <CardHeader>
                <CardTitle id="about-title">About</CardTitle>
                <span className="flex gap-1">
                  {v.aliases.map((a) => (
                    <Badge key={a} tone={a === 'production' ? 'ok' : 'accent'}>
                      {a}
                    </Badge>
                  ))}
                </span>
              </CardHeader>
              <CardContent>
                <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1.5 text-sm">
                  <dt className="text-fg-muted">Task</dt>
                  <dd>
                    {v.algorithm} {v.task}
                    {v.target && <> of {v.target}</>}, {v.rowsUsed} training rows
                  </dd>
                  <dt className="text-fg-muted">Trained on</dt>
                  <dd className="flex flex-wrap gap-2">
                    {v.trainingData.length
                      ? v.trainingData.map((d) => (
                          <Link key={`${d.dataset}@${d.version}`} href={`/datasets/${d.dataset}?version=${d.version}`} className="text-accent-strong hover:underline">
                            {d.dataset} v{d.version}
                          </Link>
                        ))
                      : '—'}
                  </dd>
                  <dt className="text-fg-muted">Produced by</dt>
                  <dd>
                    {v.run ? (
                      <>
                        <Link href={`/runs/${v.run.id}`} className="text-accent-strong hover:underline">
                          run {v.run.id.slice(0, 8)}
                        </Link>{' '}
                        of{' '}
                        <Link href={`/pipelines/${v.run.pipeline}`} className="text-accent-strong hover:underline">
                          {v.run.pipeline} v{v.run.pipelineVersion}
                        </Link>
                        , step {v.nodeId}
                      </>
                    ) : (
                      '—'
                    )}
                  </dd>
                  <dt className="text-fg-muted">Served by</dt>
                  <dd className="flex flex-wrap gap-x-3 gap-y-1">
                    {v.servedBy.length
                      ? v.servedBy.map((e) => (
                          <span key={e.endpoint}>
                            <Link href={`/endpoints/${encodeURIComponent(e.endpoint)}`} className="text-accent-strong hover:underline">
                              {e.endpoint}
                            </Link>{' '}
                            <span className="text-fg-muted">({slotsText(e)})</span>
                          </span>
                        ))
                      : 'no endpoint'}
                  </dd>
                  <dt className="text-fg-muted">Created</dt>
                  <dd>{formatDateTime(v.createdAt)}</dd>
                  <dt className="text-fg-muted">ONNX file</dt>
                  <dd className="font-mono text-xs">
                    {v.onnx.sizeBytes} bytes · sha256 {v.onnx.sha256.slice(0, 16)}…
                  </dd>
                </dl>
                <MoveAlias name={name} version={version} />
              </CardContent>
            </Card>

            <Card aria-labelledby="lineage-title">
              <CardHeader>
                <CardTitle id="lineage-title">Lineage</CardTitle>
              </CardHeader>
              <LineageGraph lineage={v.lineage} runId={v.run?.id ?? null} pipeline={v.run?.pipeline ?? null} />
            </Card>

            <div className="grid gap-5 lg:grid-cols-3">
              <KeyValues title="Metrics" rows={Object.entries(v.metrics ?? {}).filter(([, x]) => typeof x !== 'object')} />
              <KeyValues title="Parameters" rows={Object.entries(v.params)} />
              <Card aria-labelledby="features-title">
                <CardHeader>
                  <CardTitle id="features-title">Feature schema</CardTitle>
                </CardHeader>
                <table className="w-full text-sm">
                  <thead>
                    <tr className="border-b border-line">
                      <th scope="col" className={th}>Feature</th>
                      <th scope="col" className={th}>Type</th>
                    </tr>
                  </thead>
                  <tbody>
                    {v.features.map((f) => (
                      <tr key={f.name} className="border-b border-line last:border-0">
                        <td className={td}>{f.name}</td>
                        <td className={`${td} text-fg-muted`}>{f.type}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </Card>
            </div>
          </>
        )}
      </QueryView>
    </main>
  );
}

function KeyValues({ title, rows }: { title: string; rows: [string, unknown][] }) {
  const id = `${title.toLowerCase()}-title`;
  return (
    <Card aria-labelledby={id}>
      <CardHeader>
        <CardTitle id={id}>{title}</CardTitle>
      </CardHeader>
      {rows.length === 0 ? (
        <p className="p-4 text-sm text-fg-muted">None recorded.</p>
      ) : (
        <table className="w-full text-sm" aria-labelledby={id}>
          <tbody>
            {rows.map(([k, x]) => (
              <tr key={k} className="border-b border-line last:border-0">
                <th scope="row" className={`${td} text-left font-normal text-fg-muted`}>{k}</th>
                <td className={`${td} tabular-nums`}>{formatMetric(x)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function MoveAlias({ name, version }: { name: string; version: number }) {
  const deploying = useRole().can('deployer');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [alias, setAlias] = useState<ModelAlias>('staging');
  const move = useMutation(
    trpc.models.moveAlias.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.models.pathKey() }),
    }),
  );
  return (
    <form
      className="mt-4 flex items-center gap-2 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        move.mutate({ name, alias, version });
      }}
    >
      <label htmlFor="alias" className="text-fg-muted">
        Alias
      </label>
      <select id="alias" value={alias} onChange={(e) => setAlias(e.target.value as ModelAlias)} className="h-7 rounded-md border border-line bg-surface px-2 text-xs">
        {MODEL_ALIASES.map((a) => (
          <option key={a}>{a}</option>
        ))}
      </select>
      <Button type="submit" size="sm" disabled={move.isPending || !deploying.allowed} title={deploying.reason}>
        Point alias here
      </Button>
      {move.isError && <span role="alert" className="text-xs text-bad-strong">{move.error.message}</span>}
    </form>
  );
}
