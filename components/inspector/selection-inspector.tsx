'use client';

import { AlignHorizontalJustifyStart, AlignVerticalJustifyStart, Copy, LayoutGrid, Trash2 } from 'lucide-react';
import { stepsByType, type StepFlowNode } from '../canvas/graph-model';
import { Button } from '../ui/button';

/** The inspector while several steps are selected: which ones, and what can be done to all of them at once. */
export function SelectionInspector({
  steps,
  onSelectOnly,
  onDuplicate,
  onRemove,
  onAlign,
}: {
  steps: readonly StepFlowNode[];
  onSelectOnly: (nodeId: string) => void;
  onDuplicate: () => void;
  onRemove: () => void;
  onAlign: (how: 'left' | 'top' | 'layout') => void;
}) {
  return (
    <aside aria-label="Inspector" className="flex min-h-0 w-[340px] shrink-0 flex-col border-l border-line bg-surface">
      <div className="border-b border-line px-4 py-3">
        <p className="text-[11px] font-semibold tracking-wider text-fg-subtle uppercase">Selection</p>
        <h2 className="text-base font-semibold text-fg">{steps.length} steps selected</h2>
      </div>
      <div className="min-h-0 flex-1 space-y-5 overflow-y-auto px-4 py-4">
        <ul aria-label="Selected steps" className="space-y-0.5">
          {steps.map((n) => (
            <li key={n.id}>
              <button
                type="button"
                onClick={() => onSelectOnly(n.id)}
                title="Select only this step"
                className="flex w-full items-baseline gap-2 rounded-md px-2 py-1 text-left hover:bg-subtle"
              >
                <span className="font-mono text-[13px] text-fg">{n.id}</span>
                <span className="truncate text-xs text-fg-muted">{n.data.label || stepsByType.get(n.data.stepType)?.title || n.data.stepType}</span>
              </button>
            </li>
          ))}
        </ul>
        <div className="flex flex-wrap gap-2">
          <Button onClick={onDuplicate}>
            <Copy aria-hidden />
            Duplicate
          </Button>
          <Button variant="danger" onClick={onRemove}>
            <Trash2 aria-hidden />
            Delete
          </Button>
        </div>
        <div>
          <h3 className="mb-2 text-[11px] font-semibold tracking-wider text-fg-subtle uppercase">Arrange</h3>
          <div className="flex flex-wrap gap-2">
            <Button onClick={() => onAlign('left')}>
              <AlignHorizontalJustifyStart aria-hidden />
              Align left edges
            </Button>
            <Button onClick={() => onAlign('top')}>
              <AlignVerticalJustifyStart aria-hidden />
              Align top edges
            </Button>
            <Button onClick={() => onAlign('layout')}>
              <LayoutGrid aria-hidden />
              Lay out the selection
            </Button>
          </div>
        </div>
      </div>
    </aside>
  );
}
