'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Database, KeyRound, Plus, Trash2, Webhook, Workflow, X } from 'lucide-react';
import Link from 'next/link';
import { useId, useState } from 'react';
import type { RunStatus } from '../../workflows/core/plan';
import { formatSeconds } from '../../workflows/core/schedule-spec';
import type { CreateTriggerInput, TriggerKind } from '../../workflows/core/trigger-spec';
import type { ParameterDeclaration } from '../../workflows/core/parameters';
import { initialParameterValues, ParameterValueFields, ParameterValueList, parameterValueProblems } from '../inspector/parameter-value-fields';
import { useTRPC, type RouterOutputs } from '../trpc';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { formatRelative } from '../ui/format';
import { EmptyState, ErrorState, LoadingRows } from '../ui/states';
import { StatusBadge } from '../ui/status-badge';

type Trigger = RouterOutputs['triggers']['list'][number];

const RUN_STATUSES = new Set(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
const input = 'h-8 w-full rounded-md border border-line-strong bg-surface px-2 text-sm';
const labelCls = 'block text-xs font-medium text-fg-muted';

function hookUrl(path: string) {
  return typeof window === 'undefined' ? path : `${window.location.origin}${path}`;
}

/** The token of a webhook, shown once after creating or rotating it. */
function TokenOnce({ token, path, onClose }: { token: string; path?: string; onClose: () => void }) {
  return (
    <div role="status" aria-label="Webhook token" className="space-y-1 rounded-lg border border-warn/40 bg-warn-soft px-3 py-2 text-xs text-fg">
      <p className="font-medium">Copy the token now: it is not shown again.</p>
      <p>
        Token: <code className="font-mono break-all select-all">{token}</code>
      </p>
      {path && (
        <p>
          POST to <code className="font-mono break-all select-all">{hookUrl(path)}</code> with <code className="font-mono">Authorization: Bearer …</code>
        </p>
      )}
      <Button size="sm" variant="ghost" onClick={onClose}>
        <X aria-hidden />
        Done
      </Button>
    </div>
  );
}

function describeTrigger(t: Trigger): string {
  if (t.kind === 'dataset') return `When dataset "${t.dataset}" gets a new version (after ${formatSeconds(t.debounceSeconds ?? 0)} without another)`;
  if (t.kind === 'pipeline') return `After each successful run of "${t.afterPipeline}"`;
  const mapped = Object.entries(t.paramPointers);
  return `Webhook${mapped.length ? `, parameters from the payload: ${mapped.map(([p, ptr]) => `${p} ← ${ptr}`).join(', ')}` : ''}`;
}

const ICONS: Record<TriggerKind, typeof Database> = { dataset: Database, webhook: Webhook, pipeline: Workflow };

export function TriggerList({ pipeline }: { pipeline?: string }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.triggers.list.queryOptions(pipeline ? { pipeline } : undefined, { refetchInterval: 5000 }));
  if (list.isPending) return <LoadingRows label="Loading triggers" />;
  if (list.isError) return <ErrorState title="Could not load the triggers" message={list.error.message} />;
  if (list.data.length === 0) {
    return (
      <EmptyState icon={<Webhook />} title="No triggers yet">
        {pipeline ? 'Add one with the form.' : 'Open a pipeline and choose Schedules to add one.'}
      </EmptyState>
    );
  }
  return (
    <ul aria-label="Triggers" className="divide-y divide-line">
      {list.data.map((t) => (
        <TriggerRow key={t.id} trigger={t} showPipeline={!pipeline} />
      ))}
    </ul>
  );
}

function TriggerRow({ trigger: t, showPipeline }: { trigger: Trigger; showPipeline: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string>();
  const [token, setToken] = useState<string>();
  const options = { onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.triggers.pathKey() }), onError: (e: { message: string }) => setError(e.message) };
  const setEnabled = useMutation(trpc.triggers.setEnabled.mutationOptions(options));
  const rotate = useMutation(trpc.triggers.rotateToken.mutationOptions());
  const remove = useMutation(trpc.triggers.delete.mutationOptions(options));
  const Icon = ICONS[t.kind];
  const last = t.lastFiring;
  return (
    <li aria-label={`Trigger: ${describeTrigger(t)}`} className="space-y-1.5 px-5 py-3 text-sm">
      <div className="flex flex-wrap items-center gap-2">
        <Icon aria-hidden className="size-4 text-fg-subtle" />
        {showPipeline && (
          <Link href={`/pipelines/${t.pipeline}/schedules`} className="font-medium text-accent-strong hover:underline">
            {t.pipeline}
          </Link>
        )}
        <span className="text-fg">{describeTrigger(t)}</span>
        {!t.enabled && <Badge tone="warn">Off</Badge>}
        <div className="ml-auto flex items-center gap-1.5">
          <Button size="sm" disabled={setEnabled.isPending} onClick={() => setEnabled.mutate({ id: t.id, enabled: !t.enabled })}>
            {t.enabled ? 'Turn off' : 'Turn on'}
          </Button>
          {t.kind === 'webhook' && (
            <Button
              size="sm"
              disabled={rotate.isPending}
              onClick={() => {
                if (window.confirm('Make a new token? The current one stops working at once.')) {
                  rotate.mutate({ id: t.id }, { onSuccess: (r) => setToken(r.token), onError: (e) => setError(e.message) });
                }
              }}
            >
              <KeyRound aria-hidden />
              New token
            </Button>
          )}
          <Button
            size="sm"
            variant="danger"
            aria-label="Delete trigger"
            disabled={remove.isPending}
            onClick={() => {
              if (window.confirm('Delete this trigger?')) remove.mutate({ id: t.id });
            }}
          >
            <Trash2 aria-hidden />
          </Button>
        </div>
      </div>
      {Object.keys(t.params).length > 0 && (
        <div className="flex flex-wrap gap-2 text-xs text-fg-muted">
          <span>Parameters:</span>
          <ParameterValueList values={t.params} label="Fixed parameter values" />
        </div>
      )}
      {t.hookPath && (
        <p className="text-xs text-fg-muted">
          URL <code className="font-mono select-all">{hookUrl(t.hookPath)}</code>
        </p>
      )}
      <p className="flex flex-wrap items-center gap-2 text-xs text-fg-muted">
        <span>Last fired:</span>
        {last ? (
          <>
            {RUN_STATUSES.has(last.status) ? <StatusBadge status={last.status as RunStatus} /> : <Badge tone="bad">{last.status}</Badge>}
            {last.runId ? (
              <Link href={`/runs/${last.runId}`} className="text-accent-strong hover:underline">
                {formatRelative(last.at)}
              </Link>
            ) : (
              formatRelative(last.at)
            )}
            {last.message && <span className="text-bad-strong">{last.message}</span>}
          </>
        ) : (
          'never'
        )}
        <span>· created by {t.createdBy}{t.updatedBy !== t.createdBy && `, changed by ${t.updatedBy}`} {formatRelative(t.updatedAt)}</span>
      </p>
      {token && <TokenOnce token={token} path={t.hookPath} onClose={() => setToken(undefined)} />}
      {error && (
        <p role="alert" className="text-sm text-bad-strong">
          {error}
        </p>
      )}
    </li>
  );
}

/** Adds a trigger to a pipeline: a dataset's new versions, a webhook, or another pipeline's success. */
export function TriggerForm({ pipeline }: { pipeline: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const create = useMutation(trpc.triggers.create.mutationOptions());
  const datasets = useQuery(trpc.datasets.list.queryOptions());
  const pipelines = useQuery(trpc.pipelines.list.queryOptions());
  const [kind, setKind] = useState<TriggerKind>('dataset');
  const [dataset, setDataset] = useState('');
  const [debounce, setDebounce] = useState(60);
  const [after, setAfter] = useState('');
  const [pointers, setPointers] = useState<{ param: string; pointer: string }[]>([]);
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<{ token: string; path?: string }>();
  const pipelineDoc = useQuery(trpc.pipelines.get.queryOptions({ name: pipeline }));
  const parameters: readonly ParameterDeclaration[] = pipelineDoc.data?.document.parameters ?? [];
  const [editedParams, setParams] = useState<Record<string, unknown>>();
  const params = editedParams ?? initialParameterValues(parameters);
  const [triedParams, setTriedParams] = useState(false);
  // A webhook may take a parameter's value from its payload instead of a fixed one.
  const fromPayload = new Set(kind === 'webhook' ? pointers.filter((p) => p.param).map((p) => p.param) : []);
  const paramIssues = parameterValueProblems(parameters, params).filter((i) => !(i.code === 'missing_parameter_value' && fromPayload.has(i.name)));

  const submit = () => {
    setError(undefined);
    setTriedParams(true);
    // Saving without the declarations would drop the values the person cannot see.
    if (pipelineDoc.isPending) return setError('The pipeline’s parameters are still loading');
    if (pipelineDoc.isError) return setError(`Could not read the pipeline’s parameters: ${pipelineDoc.error.message}`);
    if (paramIssues.length > 0) return setError(`Check the parameter values: ${paramIssues.map((i) => i.message).join('; ')}`);
    let trigger: CreateTriggerInput;
    if (kind === 'dataset') {
      if (!dataset) return setError('Choose a dataset');
      trigger = { kind, dataset, debounceSeconds: debounce, params };
    } else if (kind === 'pipeline') {
      if (!after) return setError('Choose the pipeline to follow');
      trigger = { kind, afterPipeline: after, params };
    } else {
      trigger = { kind, paramPointers: Object.fromEntries(pointers.filter((p) => p.param).map((p) => [p.param, p.pointer])), params };
    }
    create.mutate(
      { pipeline, trigger },
      {
        onSuccess: (r) => {
          void queryClient.invalidateQueries({ queryKey: trpc.triggers.pathKey() });
          if (r.token) setCreated({ token: r.token, path: r.trigger.hookPath });
          setPointers([]);
          setParams(undefined);
          setTriedParams(false);
        },
        onError: (e) => setError(e.message),
      },
    );
  };

  return (
    <form
      aria-label="New trigger"
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="grid gap-3 sm:grid-cols-2">
        {/* The whole row: the choices are sentences. */}
        <div className="space-y-1 sm:col-span-2">
          <label htmlFor={`${id}-kind`} className={labelCls}>
            Start this pipeline
          </label>
          <select id={`${id}-kind`} className={input} value={kind} onChange={(e) => setKind(e.target.value as TriggerKind)}>
            <option value="dataset">When a dataset gets a new version</option>
            <option value="webhook">When a webhook is called</option>
            <option value="pipeline">After another pipeline succeeds</option>
          </select>
        </div>
        {kind === 'dataset' && (
          <>
            <div className="space-y-1">
              <label htmlFor={`${id}-dataset`} className={labelCls}>
                Dataset
              </label>
              <select id={`${id}-dataset`} className={input} value={dataset} onChange={(e) => setDataset(e.target.value)}>
                <option value="">Choose…</option>
                {datasets.data?.map((d) => (
                  <option key={d.name}>{d.name}</option>
                ))}
              </select>
            </div>
            <div className="space-y-1">
              <label htmlFor={`${id}-debounce`} className={labelCls}>
                Wait for quiet (seconds)
              </label>
              <input
                id={`${id}-debounce`}
                type="number"
                min={0}
                className={input}
                value={debounce}
                onChange={(e) => setDebounce(Math.max(0, Number(e.target.value) || 0))}
              />
              <p className="text-xs text-fg-subtle">Versions that arrive within this time of each other start one run.</p>
            </div>
          </>
        )}
        {kind === 'pipeline' && (
          <div className="space-y-1">
            <label htmlFor={`${id}-after`} className={labelCls}>
              Pipeline to follow
            </label>
            <select id={`${id}-after`} className={input} value={after} onChange={(e) => setAfter(e.target.value)}>
              <option value="">Choose…</option>
              {pipelines.data
                ?.filter((p) => p.name !== pipeline)
                .map((p) => (
                  <option key={p.name}>{p.name}</option>
                ))}
            </select>
          </div>
        )}
      </div>
      {kind === 'webhook' && (
        <fieldset className="space-y-2">
          <legend className={labelCls}>Parameters from the payload (JSON pointers such as /data/threshold)</legend>
          {pointers.map((p, i) => (
            <div key={i} className="flex items-center gap-2">
              <input
                aria-label={`Parameter ${i + 1}`}
                placeholder="parameter"
                className={input}
                value={p.param}
                onChange={(e) => setPointers((all) => all.map((x, j) => (j === i ? { ...x, param: e.target.value } : x)))}
              />
              <input
                aria-label={`JSON pointer ${i + 1}`}
                placeholder="/path/in/payload"
                className={`${input} font-mono`}
                value={p.pointer}
                onChange={(e) => setPointers((all) => all.map((x, j) => (j === i ? { ...x, pointer: e.target.value } : x)))}
              />
              <Button size="icon" variant="ghost" aria-label={`Remove parameter ${i + 1}`} onClick={() => setPointers((all) => all.filter((_, j) => j !== i))}>
                <X aria-hidden />
              </Button>
            </div>
          ))}
          <Button size="sm" onClick={() => setPointers((all) => [...all, { param: '', pointer: '/' }])}>
            <Plus aria-hidden />
            Map a parameter
          </Button>
        </fieldset>
      )}
      {parameters.length > 0 && (
        <fieldset className="space-y-3">
          <legend className={labelCls}>
            Parameter values for each run (starting from the pipeline’s defaults{kind === 'webhook' ? '; a value from the payload wins' : ''})
          </legend>
          <ParameterValueFields
            parameters={parameters}
            values={params}
            onChange={setParams}
            datasets={datasets.data ?? []}
            idPrefix={id}
            problemOf={(n) => (triedParams ? paramIssues.find((i) => i.name === n)?.message : undefined)}
          />
        </fieldset>
      )}
      {error && (
        <p role="alert" className="text-sm text-bad-strong">
          {error}
        </p>
      )}
      {created && <TokenOnce token={created.token} path={created.path} onClose={() => setCreated(undefined)} />}
      <Button type="submit" variant="primary" disabled={create.isPending}>
        <Plus aria-hidden />
        Add trigger
      </Button>
    </form>
  );
}
