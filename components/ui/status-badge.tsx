import { CircleCheck, CircleDashed, CircleMinus, CircleX, Clock, LoaderCircle, Ban } from 'lucide-react';
import type { RunStatus, StepStatus } from '../../workflows/core/plan';
import { Badge, type BadgeTone } from './badge';

type AnyStatus = RunStatus | StepStatus;

const look: Record<AnyStatus, { tone: BadgeTone; icon: typeof CircleCheck; spin?: boolean }> = {
  queued: { tone: 'neutral', icon: Clock },
  pending: { tone: 'neutral', icon: CircleDashed },
  running: { tone: 'run', icon: LoaderCircle, spin: true },
  succeeded: { tone: 'ok', icon: CircleCheck },
  failed: { tone: 'bad', icon: CircleX },
  skipped: { tone: 'neutral', icon: CircleMinus },
  cancelled: { tone: 'warn', icon: Ban },
};

/** Status as icon + word, so it never depends on colour alone. */
export function StatusBadge({ status, className }: { status: AnyStatus; className?: string }) {
  const { tone, icon: Icon, spin } = look[status] ?? look.pending;
  return (
    <Badge tone={tone} className={className}>
      <Icon aria-hidden className={spin ? 'animate-spin' : undefined} />
      {status}
    </Badge>
  );
}

export function isFinished(status: RunStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}
