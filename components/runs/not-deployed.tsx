import { ShieldX } from 'lucide-react';
import { GATE_BLOCKED_TEXT, type NotDeployed } from '../../workflows/core/deployment';
import { Badge } from '../ui/badge';

/** Beside a succeeded run's status: its gate kept the model from being deployed. */
export function GateBlockedBadge() {
  return (
    <Badge tone="warn">
      <ShieldX aria-hidden className="size-3.5" />
      {GATE_BLOCKED_TEXT}
    </Badge>
  );
}

/** On the run page: each deploy step that did not promote, and why. */
export function NotDeployedNote({ items }: { items: NotDeployed[] }) {
  if (items.length === 0) return null;
  return (
    <ul aria-label="Not deployed" className="mt-2 space-y-1 text-sm">
      {items.map((n) => (
        <li key={n.nodeId} className="flex items-center gap-2">
          {n.cause === 'gate' ? <GateBlockedBadge /> : <Badge tone="neutral">not deployed</Badge>}
          <span className="text-fg-muted">
            step <span className="font-mono">{n.nodeId}</span>: {n.reason}
          </span>
        </li>
      ))}
    </ul>
  );
}
