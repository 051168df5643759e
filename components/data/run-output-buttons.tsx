'use client';

import { useQuery } from '@tanstack/react-query';
import { Table2 } from 'lucide-react';
import { useState } from 'react';
import { useTRPC } from '../trpc';
import { Button } from '../ui/button';
import { formatNumber } from '../ui/format';
import { OutputPreviewDialog, type OutputTable } from './output-preview-dialog';

/** On the run page: a button per table output of a succeeded step, opening its preview. */
export function RunOutputButtons({ runId, nodeId, succeeded }: { runId: string; nodeId: string; succeeded: boolean }) {
  const trpc = useTRPC();
  // One query per run page, shared by every step's cell (concurrent asks are one request); the cell is
  // mounted again when its step's status changes, which asks again.
  const outputs = useQuery(trpc.runData.outputs.queryOptions({ runId }, { enabled: succeeded, staleTime: 0 }));
  const [open, setOpen] = useState<OutputTable>();
  const mine = outputs.data?.find((s) => s.nodeId === nodeId)?.outputs ?? [];
  if (!succeeded || mine.length === 0) return null;
  return (
    <div className="mt-2 flex flex-wrap gap-1.5">
      {mine.map((o) => (
        <Button
          key={o.port}
          size="sm"
          aria-label={`Preview ${nodeId}.${o.port}: ${o.rows} rows, ${o.columns.length} columns`}
          onClick={() => setOpen({ runId, nodeId, ...o })}
        >
          <Table2 aria-hidden />
          {o.port}
          <span className="text-fg-muted tabular-nums">{formatNumber(o.rows)} rows</span>
        </Button>
      ))}
      {open && <OutputPreviewDialog output={open} onClose={() => setOpen(undefined)} />}
    </div>
  );
}
