'use client';

import { Plus, Search } from 'lucide-react';
import { useMemo, useState, type DragEvent } from 'react';
import { cn } from '../ui/cn';
import { manifest } from './graph-model';
import { categoryLook, fallbackCategory, portDot } from './port-style';
import { StepHelpButton } from './step-help';
import { StepIcon } from './step-icons';

/** The drag payload type: a step type name, read by the canvas drop handler. */
export const STEP_DRAG_TYPE = 'application/x-millrace-step';

function onDragStart(event: DragEvent<HTMLElement>, stepType: string) {
  event.dataTransfer.setData(STEP_DRAG_TYPE, stepType);
  event.dataTransfer.setData('text/plain', stepType);
  event.dataTransfer.effectAllowed = 'copy';
}

/** Step types grouped by category: drag one onto the canvas, or click (or press Enter) to add it. */
export function Palette({ onAdd }: { onAdd: (stepType: string) => void }) {
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    return manifest.categories
      .map((c) => ({
        ...c,
        steps: manifest.steps.filter(
          (s) =>
            s.category === c.id &&
            (!q || s.title.toLowerCase().includes(q) || s.type.includes(q) || s.summary.toLowerCase().includes(q)),
        ),
      }))
      .filter((g) => g.steps.length > 0);
  }, [query]);

  return (
    <aside aria-label="Step palette" className="flex min-h-0 w-64 shrink-0 flex-col border-r border-line bg-surface">
      <div className="border-b border-line p-3">
        <label htmlFor="palette-search" className="sr-only">
          Search steps
        </label>
        <div className="relative">
          <Search aria-hidden className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-fg-subtle" />
          <input
            id="palette-search"
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="Search steps"
            className="h-8 w-full rounded-md border border-line bg-app pr-2 pl-8 text-sm placeholder:text-fg-subtle focus:border-accent focus:bg-surface focus:outline-none"
          />
        </div>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto px-2 py-2">
        {groups.length === 0 && <p className="px-2 py-6 text-center text-sm text-fg-muted">No step matches “{query}”.</p>}
        {groups.map((group) => {
          const look = categoryLook[group.id] ?? fallbackCategory;
          return (
            <section key={group.id} aria-labelledby={`palette-${group.id}`} className="mb-3">
              <h3
                id={`palette-${group.id}`}
                className="mb-1 flex items-center gap-1.5 px-2 text-[11px] font-semibold tracking-wider text-fg-subtle uppercase"
              >
                {group.title}
              </h3>
              <ul className="space-y-0.5">
                {group.steps.map((step) => (
                  <li key={step.type} className="flex items-start gap-0.5">
                    <button
                      type="button"
                      draggable
                      onDragStart={(e) => onDragStart(e, step.type)}
                      onClick={() => onAdd(step.type)}
                      aria-label={`Add step ${step.title}`}
                      title={`${step.summary}\nDrag onto the canvas, or click to add.`}
                      className="group flex min-w-0 flex-1 cursor-grab items-start gap-2.5 rounded-lg px-2 py-1.5 text-left hover:bg-subtle active:cursor-grabbing"
                    >
                      <span className={cn('mt-0.5 flex size-6 shrink-0 items-center justify-center rounded-md [&_svg]:size-3.5', look.tint)}>
                        <StepIcon stepType={step.type} category={step.category} />
                      </span>
                      <span className="min-w-0 flex-1">
                        <span className="flex items-center gap-1.5 text-[13px] font-medium text-fg">
                          {step.title}
                          <span aria-hidden className="ml-auto flex gap-0.5">
                            {Object.values(step.outputs).map((p, i) => (
                              <span key={i} className={cn('size-1.5 rounded-full', portDot[p.type])} />
                            ))}
                          </span>
                        </span>
                        <span className="line-clamp-2 text-xs leading-4 text-fg-muted">{step.summary}</span>
                      </span>
                      <Plus aria-hidden className="mt-1 size-3.5 shrink-0 text-fg-subtle opacity-0 group-hover:opacity-100" />
                    </button>
                    <StepHelpButton step={step} onAdd={onAdd} />
                  </li>
                ))}
              </ul>
            </section>
          );
        })}
      </div>
      <div className="border-t border-line px-3 py-2.5">
        <p className="mb-1.5 text-[11px] font-semibold tracking-wider text-fg-subtle uppercase">Port types</p>
        <ul className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-fg-muted">
          {(['table', 'model', 'metrics', 'signal'] as const).map((t) => (
            <li key={t} className="flex items-center gap-1.5">
              <span aria-hidden className={cn('size-2 rounded-full', portDot[t])} />
              {t}
            </li>
          ))}
        </ul>
      </div>
    </aside>
  );
}
