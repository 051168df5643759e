'use client';

import { cn } from '../ui/cn';

const TABS = [
  { id: 'settings', label: 'Settings' },
  { id: 'data', label: 'Data' },
] as const;

/** The step inspector's two views: its settings, and the data its last run produced. */
export function InspectorTabs({ tab, onTab }: { tab: 'settings' | 'data'; onTab: (tab: 'settings' | 'data') => void }) {
  return (
    <div
      role="tablist"
      aria-label="Step views"
      className="flex gap-1 border-b border-line px-3"
      onKeyDown={(e) => {
        if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
        const next = tab === 'settings' ? 'data' : 'settings';
        onTab(next);
        document.getElementById(`inspector-tab-${next}`)?.focus();
      }}
    >
      {TABS.map((t) => (
        <button
          key={t.id}
          id={`inspector-tab-${t.id}`}
          type="button"
          role="tab"
          aria-selected={tab === t.id}
          aria-controls={`inspector-${t.id}`}
          tabIndex={tab === t.id ? 0 : -1}
          onClick={() => onTab(t.id)}
          className={cn(
            '-mb-px border-b-2 px-3 py-2 text-xs font-medium',
            tab === t.id ? 'border-accent text-fg' : 'border-transparent text-fg-muted hover:text-fg',
          )}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
