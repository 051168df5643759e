// How times, durations and numbers read in the UI.

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

export function formatRelative(date: Date | string | undefined, now: number = Date.now()): string {
  if (!date) return '—';
  const seconds = (new Date(date).getTime() - now) / 1000;
  if (Math.abs(seconds) < 10) return 'just now';
  for (const [unit, size] of STEPS) {
    if (Math.abs(seconds) >= size || unit === 'second') return relative.format(Math.round(seconds / size), unit);
  }
  return '—';
}

export function formatDateTime(date: Date | string | undefined): string {
  if (!date) return '—';
  return new Date(date).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'medium' });
}

export function formatDuration(start?: Date | string, end?: Date | string, now: number = Date.now()): string {
  if (!start) return '—';
  const ms = (end ? new Date(end).getTime() : now) - new Date(start).getTime();
  if (ms < 0) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

const integer = new Intl.NumberFormat('en');

/**
 * A measured value shown beside the threshold it is compared with (a gate rule's "accuracy >= 0.9999"):
 * at least one decimal more than the threshold has, so 0.99987 never reads as the threshold or as 1.
 */
export function formatBeside(value: number, threshold: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return formatNumber(value);
  const decimals = (String(threshold).split('.')[1] ?? '').length;
  if (decimals < 3) return formatNumber(value);
  return value.toFixed(Math.min(decimals + 1, 12)).replace(/\.?0+$/, '');
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return integer.format(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return integer.format(Math.round(value));
  if (abs >= 1) return value.toFixed(3).replace(/\.?0+$/, '');
  return value.toPrecision(3).replace(/\.?0+$/, '');
}
