'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Play, Table2 } from 'lucide-react';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { canonicalJson } from '../../workflows/core/canonical-json';
import { isFinished } from '../ui/status-badge';
import { useTRPC } from '../trpc';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { formatNumber, formatRelative } from '../ui/format';
import { OutputPreviewDialog, type OutputTable } from './output-preview-dialog';
import type { PreviewUpTo } from './use-preview-up-to';

/**
 * The inspector's Data view of a step: its table outputs from the pipeline's newest run that produced them,
 * each opening a preview, and "Preview up to here".
 */
export function StepData({
  pipeline,
  nodeId,
  params,
  hasTables,
  preview,
}: {
  pipeline: string;
  nodeId: string;
  /** The step's parameters as edited now, to tell whether the run's outputs are still the step's. */
  params: Record<string, unknown>;
  /** The step's definition has table outputs. */
  hasTables: boolean;
  preview?: PreviewUpTo;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const last = useQuery(trpc.runData.stepOutputs.queryOptions({ pipeline, nodeId }));
  const [open, setOpen] = useState<OutputTable>();
  const mine = preview?.active?.nodeId === nodeId ? preview.active : undefined;
  const run = useQuery(
    trpc.runs.get.queryOptions(
      { runId: mine?.runId ?? '' },
      { enabled: Boolean(mine), refetchInterval: (q) => (q.state.data && isFinished(q.state.data.status) ? false : 1000) },
    ),
  );
  const finished = run.data && isFinished(run.data.status) ? run.data : undefined;

  // When this step's preview run succeeds: fetch its outputs again and open the first one, once.
  useEffect(() => {
    if (!finished || finished.status !== 'succeeded' || !preview?.claimOpening(finished.runId)) return;
    void queryClient.fetchQuery(trpc.runData.stepOutputs.queryOptions({ pipeline, nodeId }, { staleTime: 0 })).then((fresh) => {
      const first = fresh?.runId === finished.runId ? fresh.outputs[0] : undefined;
      if (first) setOpen({ runId: fresh!.runId, nodeId, ...first });
    });
  }, [finished, preview, queryClient, trpc, pipeline, nodeId]);

  if (!hasTables) {
    return <p className="text-sm text-fg-muted">This step writes no tables, so there is no data to preview.</p>;
  }
  const changed = last.data && canonicalJson(last.data.params) !== canonicalJson(params);
  const done = run.data ? run.data.steps.filter((s) => s.status === 'succeeded' || s.status === 'skipped').length : 0;
  const total = run.data?.steps.length ?? 0;
  return (
    <div className="space-y-4">
      {last.isPending ? (
        <p className="text-sm text-fg-muted">Looking for this step&rsquo;s outputs…</p>
      ) : last.isError ? (
        <p role="alert" className="text-sm text-bad-strong">
          Could not load the outputs: {last.error.message}
        </p>
      ) : !last.data ? (
        <p className="text-sm text-fg-muted">No run has produced this step&rsquo;s tables yet. Run the pipeline, or preview up to this step.</p>
      ) : (
        <section aria-label={`Outputs of ${nodeId}`} className="space-y-2">
          <p className="text-xs text-fg-muted">
            From{' '}
            <Link href={`/runs/${last.data.runId}`} className="text-accent-strong hover:underline">
              run {last.data.runId.slice(0, 8)}
            </Link>
            {last.data.previewUpTo ? ` (preview up to ${last.data.previewUpTo})` : ''}, {formatRelative(last.data.finishedAt ?? last.data.createdAt)}
            {changed && (
              <Badge tone="warn" className="ml-2" title="The step's parameters differ from those of the run these outputs come from">
                changed since
              </Badge>
            )}
          </p>
          <ul className="space-y-1.5">
            {last.data.outputs.map((o) => (
              <li key={o.port}>
                <Button
                  variant="secondary"
                  className="w-full justify-start"
                  aria-label={`Preview ${o.port}: ${o.rows} rows, ${o.columns.length} columns`}
                  onClick={() => setOpen({ runId: last.data!.runId, nodeId, ...o })}
                >
                  <Table2 aria-hidden />
                  <span className="font-medium">{o.port}</span>
                  <span className="ml-auto text-xs text-fg-muted tabular-nums">
                    {formatNumber(o.rows)} rows × {o.columns.length} columns
                  </span>
                </Button>
              </li>
            ))}
          </ul>
        </section>
      )}

      {preview && (
        <div className="space-y-2 border-t border-line pt-3">
          <Button onClick={() => void preview.start(nodeId)} disabled={preview.starting || Boolean(mine && !finished)}>
            <Play aria-hidden />
            Preview up to here
          </Button>
          <p className="text-xs text-fg-muted">Saves, then runs only this step and the steps it depends on; earlier results are reused.</p>
          {preview.problem?.nodeId === nodeId && (
            <p role="alert" className="text-sm text-bad-strong">
              {preview.problem.message}
            </p>
          )}
          {mine && (
            <div role="status" className="space-y-1 text-xs">
              <p>
                Preview run{' '}
                <Link href={`/runs/${mine.runId}`} className="text-accent-strong hover:underline">
                  {mine.runId.slice(0, 8)}
                </Link>
                : {run.data ? `${run.data.status}, ${done} of ${total} steps done` : 'starting'}
                {finished?.status === 'failed' && finished.error ? ` — ${finished.error}` : ''}
              </p>
              <progress className="h-1.5 w-full" max={Math.max(1, total)} value={done} aria-label={`Progress of the preview up to ${nodeId}`} />
            </div>
          )}
        </div>
      )}
      {open && <OutputPreviewDialog output={open} onClose={() => setOpen(undefined)} />}
    </div>
  );
}
