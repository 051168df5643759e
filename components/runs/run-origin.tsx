import Link from 'next/link';
import type { RouterOutputs } from '../trpc';
import { formatDateTime } from '../ui/format';

type Origin = NonNullable<RouterOutputs['runs']['get']['origin']>;

/** What started a run that no person started: its schedule and scheduled time, a trigger, or a chain. */
export function RunOrigin({ origin }: { origin: Origin }) {
  const params = origin.params && Object.keys(origin.params).length > 0 ? origin.params : undefined;
  const versions = (origin.payload as { versions?: { dataset: string; version: number }[] } | undefined)?.versions;
  return (
    <p aria-label="Started by" className="mt-1 text-sm text-fg-muted">
      {origin.kind === 'schedule' && (
        <>
          Started by schedule <span className="font-medium text-fg">{origin.scheduleId?.split(':').slice(1).join(':')}</span>
          {origin.scheduledAt && (
            <>
              {' '}
              for <time dateTime={new Date(origin.scheduledAt).toISOString()} className="font-medium text-fg">{formatDateTime(origin.scheduledAt)}</time>
            </>
          )}
        </>
      )}
      {origin.kind === 'dataset' && (
        <>Started by new data{versions && `: ${versions.map((v) => `${v.dataset} v${v.version}`).join(', ')}`}</>
      )}
      {origin.kind === 'webhook' && <>Started by a webhook call</>}
      {origin.kind === 'pipeline' && (
        <>
          Started after {origin.chain.at(-1) ? <span className="font-medium text-fg">{origin.chain.at(-1)}</span> : 'another pipeline'} succeeded
          {origin.originRunId && (
            <>
              {' '}
              (chain from{' '}
              <Link href={`/runs/${origin.originRunId}`} className="text-accent-strong hover:underline">
                run {origin.originRunId.slice(0, 8)}
              </Link>
              : {origin.chain.join(' → ')})
            </>
          )}
        </>
      )}
      {origin.kind === 'step' && <StartedByStep payload={origin.payload} />}
      {params && (
        <>
          {' '}
          · parameters{' '}
          <code className="font-mono text-xs">{JSON.stringify(params)}</code>
        </>
      )}
    </p>
  );
}

/** A control.trigger_pipeline step of another run started this one. */
function StartedByStep({ payload }: { payload: unknown }) {
  const from = payload as { fromRun?: string; fromPipeline?: string; fromStep?: string } | undefined;
  if (!from?.fromRun) return <>Started by another pipeline’s step</>;
  return (
    <>
      Started by step <span className="font-medium text-fg">{from.fromStep}</span> of{' '}
      <Link href={`/runs/${from.fromRun}`} className="text-accent-strong hover:underline">
        {from.fromPipeline} run {from.fromRun.slice(0, 8)}
      </Link>
    </>
  );
}
