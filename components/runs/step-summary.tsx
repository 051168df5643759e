import Link from 'next/link';
import { CircleCheck, CircleX, Download } from 'lucide-react';
import { asVisual, type Visual } from '../../workflows/core/visual';
import { Badge } from '../ui/badge';
import { cn } from '../ui/cn';
import { formatBeside, formatNumber } from '../ui/format';
import { ConfusionMatrix } from './confusion-matrix';
import { METRIC_LABELS, summaryLabel } from './summary-format';
import { VisualView } from './visuals';

interface GateRule {
  metric: string;
  op: string;
  value: number;
  actual?: number | null;
  passed: boolean;
}

function isRules(value: unknown): value is GateRule[] {
  return Array.isArray(value) && value.every((r) => r && typeof r === 'object' && 'metric' in r && 'passed' in r);
}

function isConfusion(value: unknown): value is { labels: unknown[]; matrix: number[][] } {
  const v = value as { labels?: unknown; matrix?: unknown } | null;
  return Boolean(v && Array.isArray(v.labels) && Array.isArray(v.matrix));
}

/** [{feature: "Island", importance: 0.19}, …]: a label and a number per item, drawn as bars. */
function labelledNumbers(value: unknown): { label: string; value: number }[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const out: { label: string; value: number }[] = [];
  for (const item of value) {
    if (!item || typeof item !== 'object') return undefined;
    const entries = Object.values(item as Record<string, unknown>);
    const label = entries.find((v) => typeof v === 'string');
    const num = entries.find((v) => typeof v === 'number');
    if (entries.length !== 2 || typeof label !== 'string' || typeof num !== 'number') return undefined;
    out.push({ label, value: num });
  }
  return out;
}

function Bars({ items }: { items: { label: string; value: number }[] }) {
  const max = Math.max(...items.map((i) => Math.abs(i.value))) || 1;
  return (
    <ul className="max-w-md space-y-1">
      {items.map((i) => (
        <li key={i.label} className="grid grid-cols-[minmax(0,10rem)_minmax(0,1fr)_3.5rem] items-center gap-2 text-xs">
          <span className="truncate text-fg" title={i.label}>
            {i.label}
          </span>
          <span aria-hidden className="h-2 rounded-full bg-subtle">
            <span className="block h-2 rounded-full bg-accent/70" style={{ width: `${(Math.abs(i.value) / max) * 100}%` }} />
          </span>
          <span className="text-right text-fg-muted tabular-nums">{formatNumber(i.value)}</span>
        </li>
      ))}
    </ul>
  );
}

function isWide(value: unknown): boolean {
  return Array.isArray(value) || (typeof value === 'object' && value !== null) || (typeof value === 'string' && value.length > 28);
}

function Value({ name, value }: { name: string; value: unknown }) {
  if (typeof value === 'number') {
    return (
      <span className="tabular-nums">
        {formatNumber(value)}
        {name === 'trainingSeconds' ? ' s' : ''}
      </span>
    );
  }
  if (typeof value === 'boolean') return <span>{value ? 'yes' : 'no'}</span>;
  if (typeof value === 'string' && name === 'runId' && /^[0-9a-f-]{36}$/.test(value)) {
    // The run a step started (Start pipeline): open it.
    return (
      <Link href={`/runs/${value}`} className="font-mono text-accent-strong hover:underline">
        {value.slice(0, 8)}
      </Link>
    );
  }
  if (typeof value === 'string') return <span className="break-words">{value}</span>;
  if (value === null || value === undefined) return <span className="text-fg-subtle">—</span>;
  const bars = labelledNumbers(value);
  if (bars) return <Bars items={bars} />;
  if (Array.isArray(value)) {
    const chips = value.map((v) =>
      v && typeof v === 'object' && 'name' in v
        ? `${String((v as { name: unknown }).name)}${'type' in v ? ` · ${String((v as { type: unknown }).type)}` : ''}`
        : typeof v === 'object'
          ? JSON.stringify(v)
          : String(v),
    );
    return (
      <span className="flex flex-wrap gap-1">
        {chips.slice(0, 24).map((c, i) => (
          <span key={i} className="rounded bg-subtle px-1.5 py-px text-[11px] text-fg-muted">
            {c}
          </span>
        ))}
        {chips.length > 24 && <span className="text-[11px] text-fg-subtle">+{chips.length - 24} more</span>}
      </span>
    );
  }
  return <code className="font-mono text-[11px] break-all text-fg-muted">{JSON.stringify(value)}</code>;
}

interface DownloadInfo {
  fileName: string;
  format?: string;
  sizeBytes?: number;
}

function isDownload(value: unknown): value is DownloadInfo {
  return Boolean(value && typeof value === 'object' && typeof (value as { fileName?: unknown }).fileName === 'string');
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 2) return `${+(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

/**
 * A step's summary, readable: metrics as numbers, a confusion matrix as a heatmap, gate rules as a table,
 * pictures ({ "$visual": … }) as charts and tables, and a link to a file the step wrote (`downloadHref`).
 */
export function StepSummary({ summary, downloadHref }: { summary: Record<string, unknown>; downloadHref?: string }) {
  const metrics = Object.keys(METRIC_LABELS).filter((k) => typeof summary[k] === 'number');
  const rules = isRules(summary.rules) ? summary.rules : undefined;
  const confusion = isConfusion(summary.confusion) ? summary.confusion : undefined;
  const visuals = Object.entries(summary)
    .map(([k, v]) => [k, asVisual(v)] as const)
    .filter((e): e is readonly [string, Visual] => e[1] !== undefined);
  const download = downloadHref && isDownload(summary.download) ? summary.download : undefined;
  const shown = new Set([...metrics, 'rules', 'confusion', 'passed', ...visuals.map(([k]) => k), ...(download ? ['download'] : [])]);
  const rest = Object.entries(summary).filter(([k]) => !shown.has(k));

  return (
    <div className="space-y-3">
      {typeof summary.passed === 'boolean' && (
        <Badge tone={summary.passed ? 'ok' : 'bad'}>
          {summary.passed ? <CircleCheck aria-hidden /> : <CircleX aria-hidden />}
          {summary.passed ? 'Gate passed' : 'Gate failed: dependents skipped'}
        </Badge>
      )}
      {metrics.length > 0 && (
        <dl className="flex flex-wrap gap-2">
          {metrics.map((k) => (
            <div key={k} role="group" aria-label={METRIC_LABELS[k]} className="min-w-24 rounded-lg border border-line bg-app px-3 py-1.5">
              <dt className="text-[11px] font-medium text-fg-muted">{METRIC_LABELS[k]}</dt>
              <dd className="text-lg leading-6 font-semibold text-fg tabular-nums">{formatNumber(summary[k] as number)}</dd>
            </div>
          ))}
        </dl>
      )}
      {rest.length > 0 && (
        <dl className="grid max-w-3xl grid-cols-[repeat(auto-fill,minmax(9.5rem,1fr))] gap-x-5 gap-y-2">
          {rest.map(([k, v]) => (
            <div key={k} className={cn('min-w-0', isWide(v) && 'col-span-full')}>
              <dt className="text-[11px] text-fg-muted">{summaryLabel(k)}</dt>
              <dd className="text-[13px] text-fg">
                <Value name={k} value={v} />
              </dd>
            </div>
          ))}
        </dl>
      )}
      {rules && (
        <table className="w-full max-w-md text-xs">
          <caption className="sr-only">Gate rules</caption>
          <thead>
            <tr className="text-left text-fg-muted">
              <th scope="col" className="py-1 pr-3 font-medium">
                Rule
              </th>
              <th scope="col" className="py-1 pr-3 font-medium">
                Actual
              </th>
              <th scope="col" className="py-1 font-medium">
                Result
              </th>
            </tr>
          </thead>
          <tbody>
            {rules.map((r, i) => (
              <tr key={i} className="border-t border-line">
                <td className="py-1 pr-3 font-mono">
                  {r.metric} {r.op} {String(r.value)}
                </td>
                <td className="py-1 pr-3 tabular-nums">{typeof r.actual === 'number' ? formatBeside(r.actual, r.value) : '—'}</td>
                <td className={cn('py-1 font-medium', r.passed ? 'text-ok-strong' : 'text-bad-strong')}>
                  {r.passed ? '✓ passed' : '✗ failed'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {confusion && <ConfusionMatrix labels={confusion.labels.map(String)} matrix={confusion.matrix} />}
      {download && (
        <a
          href={downloadHref}
          download={download.fileName}
          className="inline-flex items-center gap-1.5 rounded-md border border-line bg-surface px-2.5 py-1 text-xs font-medium text-accent-strong hover:bg-subtle"
        >
          <Download aria-hidden className="size-3.5" />
          Download {download.fileName}
          {typeof download.sizeBytes === 'number' && <span className="font-normal text-fg-muted">({formatBytes(download.sizeBytes)})</span>}
        </a>
      )}
      {visuals.length > 0 && (
        <div className="grid grid-cols-[repeat(auto-fill,minmax(min(100%,22rem),1fr))] gap-x-6 gap-y-4">
          {visuals.map(([k, v]) => (
            <div key={k} className={cn('min-w-0', v.$visual === 'table' && 'col-span-full')}>
              <VisualView visual={v} />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
