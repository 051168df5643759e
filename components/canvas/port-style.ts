import { Activity, Boxes, Database, FileDown, FlaskConical, Hand, Rocket, Scissors, type LucideIcon } from 'lucide-react';

// Port and category looks. Literal class names, so Tailwind sees them.

export const portDot: Record<string, string> = {
  table: 'bg-port-table',
  model: 'bg-port-model',
  metrics: 'bg-port-metrics',
  report: 'bg-port-report',
  signal: 'bg-port-signal',
};

export const portText: Record<string, string> = {
  table: 'text-port-table',
  model: 'text-port-model',
  metrics: 'text-port-metrics',
  report: 'text-port-report',
  signal: 'text-port-signal',
};

export const categoryLook: Record<string, { icon: LucideIcon; tint: string }> = {
  ingest: { icon: Database, tint: 'bg-port-table/12 text-port-table' },
  prepare: { icon: Scissors, tint: 'bg-accent/12 text-accent-strong' },
  train: { icon: Boxes, tint: 'bg-port-model/12 text-port-model' },
  validate: { icon: FlaskConical, tint: 'bg-port-metrics/15 text-warn-strong' },
  deploy: { icon: Rocket, tint: 'bg-port-signal/12 text-ok-strong' },
  monitor: { icon: Activity, tint: 'bg-port-report/12 text-port-report' },
  export: { icon: FileDown, tint: 'bg-port-table/12 text-port-table' },
  control: { icon: Hand, tint: 'bg-port-signal/12 text-ok-strong' },
};

export const fallbackCategory = { icon: Boxes, tint: 'bg-subtle text-fg-muted' };
