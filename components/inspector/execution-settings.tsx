'use client';

import { useId } from 'react';
import type { NodeExecution } from '../canvas/graph-model';
import type { StepManifest } from '../../workflows/steps/catalog';

// A node's advanced settings: retry policy, timeout and the step cache, each overriding the step
// type's default (shown as the placeholder). Empty = the default.

const inputClass =
  'h-8 w-full rounded-md border border-line-strong bg-surface px-2.5 text-sm tabular-nums placeholder:text-fg-subtle focus:border-accent focus:ring-2 focus:ring-accent/20 focus:outline-none aria-invalid:border-bad';

function numberOrUndefined(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

export function ExecutionSettings({
  step,
  value,
  errors,
  onChange,
}: {
  step: StepManifest;
  value: NodeExecution;
  /** Compile errors by path ("retry.maximumAttempts", "timeoutSeconds"). */
  errors: Map<string, string[]>;
  onChange: (value: NodeExecution) => void;
}) {
  const id = useId();
  const retry = (patch: Partial<NonNullable<NodeExecution['retry']>>) => {
    const next = { ...value.retry, ...patch };
    const clean = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined));
    onChange({ ...value, retry: Object.keys(clean).length > 0 ? clean : undefined });
  };
  const fields = [
    {
      key: 'retry.maximumAttempts',
      label: 'Maximum attempts',
      value: value.retry?.maximumAttempts,
      placeholder: step.retry.maximumAttempts,
      set: (n: number | undefined) => retry({ maximumAttempts: n }),
    },
    {
      key: 'retry.initialIntervalSeconds',
      label: 'First retry after (seconds)',
      value: value.retry?.initialIntervalSeconds,
      placeholder: step.retry.initialIntervalSeconds,
      set: (n: number | undefined) => retry({ initialIntervalSeconds: n }),
    },
    {
      key: 'timeoutSeconds',
      label: 'Timeout per attempt (seconds)',
      value: value.timeoutSeconds,
      placeholder: step.timeoutSeconds,
      set: (n: number | undefined) => onChange({ ...value, timeoutSeconds: n }),
    },
  ];
  const open = fields.some((f) => f.value !== undefined || errors.has(f.key)) || value.cache === false;
  return (
    <details open={open || undefined} className="group rounded-lg border border-line">
      <summary className="cursor-pointer px-3 py-2 text-[11px] font-semibold tracking-wider text-fg-subtle uppercase select-none">
        Advanced settings
      </summary>
      <div className="space-y-3 border-t border-line px-3 py-3">
        {fields.map((f) => {
          const problems = errors.get(f.key);
          return (
            <div key={f.key}>
              <label htmlFor={`${id}-${f.key}`} className="mb-1 block text-xs font-medium text-fg">
                {f.label}
              </label>
              <input
                id={`${id}-${f.key}`}
                type="number"
                inputMode="decimal"
                value={f.value ?? ''}
                placeholder={`Default: ${f.placeholder}`}
                onChange={(e) => f.set(numberOrUndefined(e.target.value))}
                aria-invalid={problems ? true : undefined}
                aria-describedby={problems ? `${id}-${f.key}-err` : undefined}
                className={inputClass}
              />
              {problems && (
                <p id={`${id}-${f.key}-err`} className="mt-1 text-xs font-medium text-bad-strong">
                  {problems.join('; ')}
                </p>
              )}
            </div>
          );
        })}
        {step.cacheable ? (
          <label className="flex items-start gap-2 text-xs text-fg">
            <input
              type="checkbox"
              checked={value.cache !== false}
              onChange={(e) => onChange({ ...value, cache: e.target.checked ? undefined : false })}
              className="mt-0.5"
            />
            <span>
              Reuse an identical earlier result (step cache)
              <span className="block text-fg-muted">Same parameters, same input data, same step version: the step does not run again.</span>
            </span>
          </label>
        ) : (
          <p className="text-xs text-fg-muted">This step always runs: it has side effects or reads from outside the pipeline.</p>
        )}
      </div>
    </details>
  );
}
