'use client';

import { ChevronDown, CircleCheck, TriangleAlert } from 'lucide-react';
import { useState } from 'react';
import type { CompileError } from '../../workflows/core/compiler';
import { cn } from '../ui/cn';

/** The compiler's verdict under the canvas: each problem names its step, a click selects it. */
export function ProblemsPanel({
  errors,
  warnings = [],
  empty,
  source,
  onSelectNode,
}: {
  errors: CompileError[];
  /** Problems that do not block saving (e.g. a dataset not uploaded yet); they block running. */
  warnings?: CompileError[];
  empty: boolean;
  /** "server" when the messages came back from a save rather than the live check. */
  source: 'live' | 'server';
  onSelectNode: (nodeId: string) => void;
}) {
  const [open, setOpen] = useState(true);
  const count = errors.length;
  const items = [...errors.map((e) => ({ e, warning: false })), ...warnings.map((e) => ({ e, warning: true }))];
  return (
    <section aria-label="Validation" className="shrink-0 border-t border-line bg-surface">
      <div className="flex h-9 items-center gap-2 px-3">
        {count === 0 && empty ? (
          <p role="status" className="text-xs text-fg-muted">
            Nothing to check yet: add a step.
          </p>
        ) : count === 0 && warnings.length === 0 ? (
          <p role="status" className="flex items-center gap-1.5 text-xs font-medium text-ok-strong">
            <CircleCheck aria-hidden className="size-4 text-ok" />
            Valid pipeline: ready to save and run
          </p>
        ) : count === 0 ? (
          <p role="status" className="flex items-center gap-1.5 text-xs font-medium text-warn-strong">
            <TriangleAlert aria-hidden className="size-4 text-warn" />
            Can be saved; {warnings.length} {warnings.length === 1 ? 'warning' : 'warnings'} to fix before it can run
          </p>
        ) : (
          <button
            type="button"
            onClick={() => setOpen((o) => !o)}
            aria-expanded={open}
            aria-controls="problems-list"
            className="flex items-center gap-1.5 rounded px-1 text-xs font-medium text-bad-strong hover:bg-bad-soft"
          >
            <TriangleAlert aria-hidden className="size-4 text-bad" />
            {count} {count === 1 ? 'problem' : 'problems'}
            {source === 'server' && <span className="font-normal text-fg-muted">(from the server)</span>}
            <ChevronDown aria-hidden className={cn('size-3.5 transition-transform', !open && '-rotate-90')} />
          </button>
        )}
      </div>
      {items.length > 0 && (open || count === 0) && (
        <ul id="problems-list" aria-label="Problems" className="max-h-36 overflow-y-auto border-t border-line px-2 py-1.5">
          {items.map(({ e, warning }, i) => (
            <li key={i} className="flex items-baseline gap-2 rounded px-1.5 py-1 text-xs hover:bg-subtle">
              {warning && <span className="shrink-0 text-[11px] font-medium text-warn-strong">Warning</span>}
              {e.nodeId ? (
                <button
                  type="button"
                  onClick={() => onSelectNode(e.nodeId!)}
                  className={cn(
                    'shrink-0 rounded px-1.5 py-0.5 font-mono text-[11px] hover:underline',
                    warning ? 'bg-warn-soft text-warn-strong' : 'bg-bad-soft text-bad-strong',
                  )}
                  aria-label={`Select step ${e.nodeId}`}
                >
                  {e.nodeId}
                </button>
              ) : e.edge ? (
                <span className="shrink-0 rounded bg-subtle px-1.5 py-0.5 font-mono text-[11px] text-fg-muted">
                  {e.edge.from} → {e.edge.to}
                </span>
              ) : (
                <span className="shrink-0 rounded bg-subtle px-1.5 py-0.5 font-mono text-[11px] text-fg-muted">pipeline</span>
              )}
              <span className="text-fg">{e.message}</span>
              {e.path && <span className="ml-auto shrink-0 font-mono text-[11px] text-fg-subtle">{e.path}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
