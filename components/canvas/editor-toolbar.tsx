'use client';

import { ArrowLeft, CalendarClock, Eye, LayoutGrid, LoaderCircle, Play, Save } from 'lucide-react';
import Link from 'next/link';
import type { ReactNode } from 'react';
import type { RunStatus } from '../../workflows/core/plan';
import type { RouterOutputs } from '../trpc';
import { useRole } from '../auth/use-role';
import { Button, buttonClasses } from '../ui/button';
import { cn } from '../ui/cn';
import { formatRelative } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';

export interface EditorToolbarProps {
  name: string;
  version?: number;
  dirty: boolean;
  versions: RouterOutputs['pipelines']['get']['versions'];
  onOpenVersion: (version: number) => void;
  /** The pipeline's newest run, with its live status. */
  lastRun?: { runId: string; createdAt: Date | string; status: RunStatus };
  showRun: boolean;
  onToggleShowRun: () => void;
  canLayout: boolean;
  onAutoLayout: () => void;
  saving: boolean;
  starting: boolean;
  busy: boolean;
  onSave: () => void;
  /** Why Run is disabled, or undefined when it is not. */
  runBlocked?: string;
  runTitle: string;
  runLabel: string;
  onRun: () => void;
  /** Further buttons, placed before Auto layout. */
  children?: ReactNode;
}

/** The editor's header: name, version, last run, and the document's actions. */
export function EditorToolbar(p: EditorToolbarProps) {
  const editing = useRole().can('editor');
  return (
    <div className="flex h-14 shrink-0 items-center gap-3 border-b border-line bg-surface px-4">
      <Link href="/" aria-label="Back to overview" className={buttonClasses('ghost', 'icon')}>
        <ArrowLeft aria-hidden />
      </Link>
      <div className="min-w-0">
        <h1 className="truncate text-[15px] leading-tight font-semibold text-fg">{p.name}</h1>
        <p className="text-xs text-fg-muted">
          {p.version ? `Version ${p.version}` : 'Not saved yet'}
          {p.dirty && <span className="ml-2 font-medium text-warn-strong">● Unsaved changes</span>}
        </p>
      </div>
      {p.versions.length > 1 && (
        <div className="flex items-center gap-1.5">
          <label htmlFor="version-select" className="text-xs text-fg-muted">
            Open version
          </label>
          <select
            id="version-select"
            value={p.version ?? ''}
            onChange={(e) => p.onOpenVersion(Number(e.target.value))}
            className="h-7 rounded-md border border-line-strong bg-surface px-1.5 text-xs"
          >
            {p.versions.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version} · {formatRelative(v.createdAt)}
              </option>
            ))}
          </select>
        </div>
      )}

      {p.version && (
        <Link href={`/pipelines/${p.name}/versions`} className="text-xs font-medium text-accent-strong hover:underline" title="Every version: author, time, message; compare two">
          All versions
        </Link>
      )}

      <div className="ml-auto flex items-center gap-2">
        {p.lastRun && (
          <div className="mr-1 flex items-center gap-2 rounded-lg border border-line px-2 py-1 text-xs text-fg-muted">
            <span>Last run</span>
            <StatusBadge status={p.lastRun.status} />
            <Link href={`/runs/${p.lastRun.runId}`} className="font-medium text-accent-strong hover:underline">
              {formatRelative(p.lastRun.createdAt)}
            </Link>
            <button
              type="button"
              aria-pressed={p.showRun}
              onClick={p.onToggleShowRun}
              title="Show the last run's step statuses on the canvas"
              className={cn('ml-1 inline-flex items-center gap-1 rounded px-1.5 py-0.5', p.showRun ? 'bg-accent-soft text-accent-strong' : 'hover:bg-subtle')}
            >
              <Eye aria-hidden className="size-3.5" />
              On canvas
            </button>
          </div>
        )}
        {p.version && (
          <Link href={`/pipelines/${p.name}/schedules`} className={buttonClasses('secondary')} title="Schedules and triggers of this pipeline">
            <CalendarClock aria-hidden />
            Schedules
          </Link>
        )}
        {p.children}
        <Button onClick={p.onAutoLayout} disabled={!p.canLayout} title="Arrange the steps left to right">
          <LayoutGrid aria-hidden />
          Auto layout
        </Button>
        <Button onClick={p.onSave} disabled={p.busy || !p.dirty || !editing.allowed} title={editing.reason}>
          {p.saving ? <LoaderCircle aria-hidden className="animate-spin" /> : <Save aria-hidden />}
          Save
        </Button>
        <Button variant="primary" onClick={p.onRun} disabled={p.busy || Boolean(p.runBlocked) || !editing.allowed} title={editing.reason ?? p.runBlocked ?? p.runTitle}>
          {p.starting ? <LoaderCircle aria-hidden className="animate-spin" /> : <Play aria-hidden />}
          {p.runLabel}
        </Button>
      </div>
    </div>
  );
}
