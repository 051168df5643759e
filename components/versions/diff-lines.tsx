import { Minus, Pencil, Plus } from 'lucide-react';
import type { DiffLine } from '../../workflows/core/document-diff';
import { cn } from '../ui/cn';

const look = {
  added: { icon: Plus, className: 'text-ok-strong' },
  removed: { icon: Minus, className: 'text-bad-strong' },
  changed: { icon: Pencil, className: 'text-warn-strong' },
} as const;

/** A diff as a list; each line starts with the word that says what happened, so colour is only a help. */
export function DiffLines({ lines, label }: { lines: DiffLine[]; label: string }) {
  if (lines.length === 0) return <p className="text-sm text-fg-muted">No differences: the two versions mean the same (positions aside).</p>;
  return (
    <ul aria-label={label} className="space-y-1 font-mono text-xs">
      {lines.map((line, i) => {
        const { icon: Icon, className } = look[line.kind];
        return (
          <li key={i} className={cn('flex items-start gap-2', className)}>
            <Icon aria-hidden className="mt-0.5 size-3.5 shrink-0" />
            <span className="break-all">{line.text}</span>
          </li>
        );
      })}
    </ul>
  );
}
