import type { HTMLAttributes } from 'react';
import { cn } from './cn';

const tones = {
  neutral: 'bg-idle-soft text-fg-muted ring-line',
  accent: 'bg-accent-soft text-accent-strong ring-accent/25',
  ok: 'bg-ok-soft text-ok-strong ring-ok/30',
  run: 'bg-run-soft text-run-strong ring-run/30',
  bad: 'bg-bad-soft text-bad-strong ring-bad/30',
  warn: 'bg-warn-soft text-warn-strong ring-warn/40',
} as const;

export type BadgeTone = keyof typeof tones;

export function Badge({ tone = 'neutral', className, ...props }: HTMLAttributes<HTMLSpanElement> & { tone?: BadgeTone }) {
  return (
    <span
      className={cn(
        'inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset [&_svg]:size-3.5',
        tones[tone],
        className,
      )}
      {...props}
    />
  );
}
