'use client';

import { useQuery } from '@tanstack/react-query';
import { QueryView } from '../registry/query-view';
import { useTRPC, useTRPCClient } from '../trpc';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { formatNumber } from '../ui/format';
import { ColumnStatsTable } from './column-stats';
import { TablePreview } from './table-preview';

export interface OutputTable {
  runId: string;
  nodeId: string;
  port: string;
  rows: number;
  columns: { name: string; type: string }[];
}

/** A step's table output from a run: its column statistics and its rows, in a wide dialog. */
export function OutputPreviewDialog({ output, onClose }: { output: OutputTable; onClose: () => void }) {
  const { runId, nodeId, port, rows, columns } = output;
  const trpc = useTRPC();
  const client = useTRPCClient();
  const stats = useQuery(trpc.runData.stats.queryOptions({ runId, nodeId, port }));
  return (
    <Dialog
      title={`${nodeId}.${port}`}
      description={`${formatNumber(rows)} rows × ${columns.length} columns, from run ${runId.slice(0, 8)}`}
      onClose={onClose}
      className="w-[min(1200px,calc(100vw-2rem))]"
      footer={<Button onClick={onClose}>Close</Button>}
    >
      <div className="max-h-[calc(100dvh-12rem)] space-y-4 overflow-y-auto px-5 py-4">
        <section aria-label={`Column statistics of ${nodeId}.${port}`} className="overflow-x-auto rounded-lg border border-line">
          <QueryView query={stats} what="the statistics">
            {(s) => <ColumnStatsTable columns={s.columns} label={`Column statistics of ${nodeId}.${port}`} />}
          </QueryView>
        </section>
        <div className="rounded-lg border border-line">
          <TablePreview
            queryKey={['run-output-preview', runId, nodeId, port]}
            fetchPage={(offset, limit) => client.runData.preview.query({ runId, nodeId, port, offset, limit })}
            rows={rows}
            columns={columns}
            label={`Rows of ${nodeId}.${port}`}
            className="max-h-[28rem]"
          />
        </div>
      </div>
    </Dialog>
  );
}
