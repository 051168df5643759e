'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTRPC, type RouterOutputs } from '../trpc';
import { cn } from '../ui/cn';
import { ErrorState } from '../ui/states';

type Line = RouterOutputs['stepLogs']['list']['lines'][number];

const TAIL_MS = 1000;

/**
 * A step's log lines, tailed: while `live`, it asks every second for the lines after the last one it has
 * (and at once again when an answer says more follow).
 */
function useStepLog(runId: string, nodeId: string, live: boolean) {
  const trpc = useTRPC();
  const [lines, setLines] = useState<Line[]>([]);
  const [after, setAfter] = useState(0);
  const page = useQuery(
    trpc.stepLogs.list.queryOptions(
      { runId, nodeId, after },
      { refetchInterval: (q) => (live && !q.state.data?.more ? TAIL_MS : false), staleTime: live ? 0 : Infinity },
    ),
  );
  // The last lines are written as the step's activity ends: read once more when tailing stops.
  const { refetch } = page;
  useEffect(() => {
    if (!live) void refetch();
  }, [live, refetch]);
  // Each answer is appended once, while rendering (React's way to adjust state to a new input).
  const data = page.data;
  const [appended, setAppended] = useState<typeof data>();
  if (data && data !== appended) {
    setAppended(data);
    if (data.lines.length > 0) {
      const last = lines.at(-1)?.id ?? 0;
      setLines([...lines, ...data.lines.filter((l) => l.id > last)]);
      setAfter(data.after);
    }
  }
  return { lines, error: page.error, loading: page.isPending && lines.length === 0 };
}

const LEVEL_CLASS: Record<Line['level'], string> = {
  info: 'text-fg',
  warn: 'text-warn-strong',
  error: 'text-bad-strong',
};

const time = (iso: string) => new Date(iso).toLocaleTimeString('en', { hour12: false, hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** The step's log: time, attempt, level and message per line, following new lines while the step runs. */
export function StepLogView({ runId, nodeId, live }: { runId: string; nodeId: string; live: boolean }) {
  const { lines, error, loading } = useStepLog(runId, nodeId, live);
  const box = useRef<HTMLDivElement>(null);
  const attempts = new Set(lines.map((l) => l.attempt));
  // Follow the tail unless the reader scrolled up.
  useEffect(() => {
    const el = box.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 80) el.scrollTop = el.scrollHeight;
  }, [lines.length]);
  if (error) return <ErrorState title="Could not load the log" message={error.message} />;
  return (
    <div ref={box} className="max-h-72 overflow-y-auto rounded-lg border border-line bg-app">
      {lines.length === 0 ? (
        <p className="px-3 py-2 text-xs text-fg-muted">{loading ? 'Loading the log…' : live ? 'Waiting for the step to say something…' : 'The step wrote no log lines.'}</p>
      ) : (
        <ol aria-label={`Log of step ${nodeId}`} aria-live={live ? 'polite' : undefined} className="divide-y divide-line/60 font-mono text-[11.5px] leading-5">
          {lines.map((l) => (
            <li key={l.id} className={cn('flex gap-2 px-3 py-0.5', LEVEL_CLASS[l.level])}>
              <time dateTime={l.at} className="shrink-0 text-fg-subtle">
                {time(l.at)}
              </time>
              {attempts.size > 1 && <span className="shrink-0 text-fg-subtle">#{l.attempt}</span>}
              {l.level !== 'info' && <span className="shrink-0 font-semibold uppercase">{l.level}</span>}
              <span className="min-w-0 break-words whitespace-pre-wrap">{l.message}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
