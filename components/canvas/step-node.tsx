'use client';

import { Handle, Position, type NodeProps, type NodeTypes } from '@xyflow/react';
import { TriangleAlert } from 'lucide-react';
import { memo } from 'react';
import type { StepManifest } from '../../workflows/steps/catalog';

type PortSpec = StepManifest['inputs'][string];
import { Badge } from '../ui/badge';
import { StatusBadge } from '../ui/status-badge';
import { cn } from '../ui/cn';
import { useNodeDecoration } from './decoration-store';
import { stepsByType, type StepFlowNode } from './graph-model';
import { categoryLook, fallbackCategory, portDot } from './port-style';
import { StepIcon } from './step-icons';

const statusFrame: Record<string, string> = {
  pending: 'border-line-strong',
  running: 'border-run animate-pulse-ring',
  succeeded: 'border-ok',
  failed: 'border-bad ring-2 ring-bad/30',
  skipped: 'border-line-strong border-dashed bg-stripes',
};

// A diff mark is a frame colour and a word, so it does not rest on colour alone.
const diffLook = {
  added: { frame: 'border-ok ring-2 ring-ok/40', tone: 'ok', text: 'Added' },
  removed: { frame: 'border-bad border-dashed opacity-75', tone: 'bad', text: 'Removed' },
  changed: { frame: 'border-warn ring-2 ring-warn/40', tone: 'warn', text: 'Changed' },
} as const;

function PortRow({
  nodeId,
  name,
  spec,
  side,
  connectable,
  problem,
}: {
  nodeId: string;
  name: string;
  spec: PortSpec;
  side: 'input' | 'output';
  connectable: boolean;
  problem: boolean;
}) {
  const isInput = side === 'input';
  return (
    <div className={cn('relative flex h-6 items-center text-xs', isInput ? 'pl-3.5 pr-1' : 'justify-end pr-3.5 pl-1')}>
      <Handle
        type={isInput ? 'target' : 'source'}
        position={isInput ? Position.Left : Position.Right}
        id={name}
        isConnectable={connectable}
        aria-label={`${nodeId} ${side} ${name} (${spec.type})`}
        title={`${spec.title}: ${spec.type} ${side}${spec.optional ? ' (optional)' : ''}`}
        className={cn('size-3 rounded-full border-2 border-surface shadow-[0_0_0_1px_var(--color-line-strong)]', portDot[spec.type] ?? 'bg-idle')}
      />
      <span className={cn('truncate', problem ? 'font-medium text-bad-strong' : 'text-fg-muted')}>
        {spec.title}
        {spec.optional && <span className="text-[10px] text-fg-subtle"> (optional)</span>}
      </span>
    </div>
  );
}

function StepNodeView({ id, data, selected }: NodeProps<StepFlowNode>) {
  const { decoration: deco, readOnly } = useNodeDecoration(id);
  const step = stepsByType.get(data.stepType);
  const look = (step && categoryLook[step.category]) ?? fallbackCategory;
  const errors = deco?.errors ?? [];
  const status = deco?.status;
  const inputs = Object.entries(step?.inputs ?? {});
  const outputs = Object.entries(step?.outputs ?? {});
  const badInputs = new Set(errors.flatMap((e) => (e.path?.startsWith('inputs.') ? [e.path.slice(7)] : [])));
  const diff = deco?.diff && diffLook[deco.diff];

  return (
    <div
      className={cn(
        'relative w-[232px] rounded-xl border bg-surface text-left shadow-(--shadow-card) transition-shadow',
        status ? statusFrame[status] : 'border-line-strong',
        errors.length > 0 && 'border-bad ring-2 ring-bad/40',
        selected && errors.length === 0 && !status && 'border-accent ring-2 ring-accent/30',
        selected && (errors.length > 0 || status) && 'outline-2 outline-offset-2 outline-accent',
        diff?.frame,
      )}
    >
      {diff && (
        <Badge tone={diff.tone} className="absolute -top-2.5 right-3">
          {diff.text}
        </Badge>
      )}
      <div className="flex items-start gap-2.5 px-3 pt-2.5 pb-2">
        <span className={cn('mt-0.5 flex size-7 shrink-0 items-center justify-center rounded-lg [&_svg]:size-4', look.tint)}>
          <StepIcon stepType={data.stepType} category={step?.category} />
        </span>
        <div className="min-w-0 flex-1">
          <div className="truncate text-sm leading-5 font-semibold text-fg">{data.label || step?.title || data.stepType}</div>
          <div className="truncate font-mono text-[11px] leading-4 text-fg-subtle">{id}</div>
        </div>
      </div>
      {(inputs.length > 0 || outputs.length > 0) && (
        <div className="grid grid-cols-2 border-t border-line py-1">
          <div>
            {inputs.map(([name, spec]) => (
              <PortRow key={name} nodeId={id} name={name} spec={spec} side="input" connectable={!readOnly} problem={badInputs.has(name)} />
            ))}
          </div>
          <div>
            {outputs.map(([name, spec]) => (
              <PortRow key={name} nodeId={id} name={name} spec={spec} side="output" connectable={!readOnly} problem={false} />
            ))}
          </div>
        </div>
      )}
      {(status || deco?.caption) && (
        <div className="flex min-w-0 items-center gap-2 border-t border-line px-3 py-1.5">
          {status && <StatusBadge status={status} />}
          {deco?.caption && (
            <span className="truncate text-xs text-fg-muted" title={deco.caption}>
              {deco.caption}
            </span>
          )}
        </div>
      )}
      {!step && <div className="border-t border-line px-3 py-1.5 text-xs text-bad-strong">Unknown step type {data.stepType}</div>}
      {errors.length > 0 && (
        <div className="rounded-b-xl border-t border-bad/25 bg-bad-soft px-3 py-1.5 text-xs text-bad-strong">
          <p className="flex items-start gap-1.5">
            <TriangleAlert aria-hidden className="mt-px size-3.5 shrink-0" />
            <span className="line-clamp-2">{errors[0]!.message}</span>
          </p>
          {errors.length > 1 && <p className="mt-0.5 pl-5 text-bad-strong/80">+{errors.length - 1} more</p>}
        </div>
      )}
    </div>
  );
}

/** Memoised and at module scope, as React Flow requires for stable node types. */
export const StepNode = memo(StepNodeView);

export const nodeTypes = { step: StepNode } satisfies NodeTypes;
