'use client';

import { Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import type { CompileError } from '../../workflows/core/compiler';
import {
  PARAMETER_TYPES,
  PARAMETER_TYPE_NAMES,
  parameterValueFromText,
  parameterValueText,
  type ParameterDeclaration,
  type ParameterType,
} from '../../workflows/core/parameters';
import { Button } from '../ui/button';
import { cn } from '../ui/cn';

// The pipeline's parameters as a form: name, type, default and description per row. Values a run gets
// are asked for when it starts; steps bind their parameters to these in the inspector.

const inputClass =
  'h-8 w-full min-w-0 rounded-md border bg-surface px-2.5 text-sm text-fg placeholder:text-fg-subtle focus:border-accent focus:ring-2 focus:ring-accent/20 focus:outline-none';

/** An input for one value of a parameter type (a default here, a run's value in the Run dialog). */
export function ParameterValueInput({
  type,
  value,
  onChange,
  label,
  datasets,
  invalid,
  describedBy,
}: {
  type: ParameterType;
  value: unknown;
  onChange: (value: unknown) => void;
  label: string;
  datasets: { name: string }[];
  invalid?: boolean;
  describedBy?: string;
}) {
  const common = { 'aria-label': label, 'aria-invalid': invalid || undefined, 'aria-describedby': describedBy };
  const border = invalid ? 'border-bad' : 'border-line-strong';
  if (type === 'boolean') {
    return <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} className="size-4 accent-accent" />;
  }
  if (type === 'dataset') {
    const current = typeof value === 'string' ? value : '';
    return (
      <select {...common} value={current} onChange={(e) => onChange(e.target.value || undefined)} className={cn(inputClass, border, 'pr-1 pl-2')}>
        <option value="">{datasets.length ? 'Choose a dataset…' : 'No datasets yet'}</option>
        {current && !datasets.some((d) => d.name === current) && <option value={current}>{current} (not found)</option>}
        {datasets.map((d) => (
          <option key={d.name} value={d.name}>
            {d.name}
          </option>
        ))}
      </select>
    );
  }
  return <TextValueInput {...common} type={type} value={value} onChange={onChange} className={border} />;
}

/** Keeps what the person typed ("0.", "-") while handing the parsed value on. */
function TextValueInput({
  type,
  value,
  onChange,
  className,
  ...aria
}: {
  type: ParameterType;
  value: unknown;
  onChange: (value: unknown) => void;
  className: string;
  'aria-label': string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}) {
  const [draft, setDraft] = useState<{ text: string; value: unknown }>({ text: '', value: undefined });
  const text = Object.is(draft.value, value) && draft.text !== '' ? draft.text : value === undefined ? '' : parameterValueText(value);
  const border = className;
  return (
    <input
      {...aria}
      type={type === 'date' ? 'date' : 'text'}
      inputMode={type === 'number' || type === 'integer' ? 'decimal' : undefined}
      value={text}
      placeholder={type === 'timestamp' ? '2024-01-01T00:00:00Z' : type === 'number' || type === 'integer' ? '0' : ''}
      spellCheck={false}
      onChange={(e) => {
        const next = e.target.value === '' ? undefined : parameterValueFromText(type, e.target.value);
        setDraft({ text: e.target.value, value: next });
        onChange(next);
      }}
      className={cn(inputClass, border, (type === 'number' || type === 'integer') && 'tabular-nums')}
    />
  );
}

/** A name no other parameter has: param1, param2, … */
function freshName(taken: readonly ParameterDeclaration[]): string {
  for (let i = 1; ; i++) if (!taken.some((p) => p.name === `param${i}`)) return `param${i}`;
}

export function ParametersPanel({
  parameters,
  onChange,
  errors,
  warnings,
  datasets,
}: {
  parameters: readonly ParameterDeclaration[];
  onChange: (parameters: ParameterDeclaration[]) => void;
  errors: CompileError[];
  warnings: CompileError[];
  datasets: { name: string }[];
}) {
  const update = (i: number, patch: Partial<ParameterDeclaration>) =>
    onChange(parameters.map((p, j) => (j === i ? dropUndefined({ ...p, ...patch }) : p)));
  const problemsOf = (i: number) =>
    [...errors, ...warnings].filter((e) => e.path === `parameters.${i}` || e.path?.startsWith(`parameters.${i}.`) || e.path === `parameters.${parameters[i]?.name}`);
  return (
    <section aria-labelledby="pipeline-parameters-heading">
      <div className="mb-2 flex items-center">
        <h3 id="pipeline-parameters-heading" className="text-[11px] font-semibold tracking-wider text-fg-subtle uppercase">
          Parameters
        </h3>
        <Button
          size="sm"
          className="ml-auto"
          onClick={() => onChange([...parameters, { name: freshName(parameters), type: 'number', default: 0 }])}
        >
          <Plus aria-hidden />
          Add parameter
        </Button>
      </div>
      {parameters.length === 0 && (
        <p className="text-xs text-fg-muted">
          Values each run can change (a date, a threshold, a dataset). Steps use them through “Use pipeline parameter” next to a field.
        </p>
      )}
      <ul className="space-y-3">
        {parameters.map((p, i) => {
          const n = i + 1;
          const problems = problemsOf(i);
          const errId = `pipeline-parameter-${i}-problems`;
          return (
            <li key={i} aria-label={`Parameter ${n}`} className="space-y-2 rounded-lg border border-line p-2.5">
              <div className="grid grid-cols-[1fr_8rem_auto] items-end gap-2">
                <label className="min-w-0 text-xs font-medium text-fg">
                  Name
                  <input
                    aria-label={`Name of parameter ${n}`}
                    value={p.name}
                    spellCheck={false}
                    onChange={(e) => update(i, { name: e.target.value })}
                    className={cn(inputClass, 'mt-1 border-line-strong font-mono text-[13px]')}
                  />
                </label>
                <label className="min-w-0 text-xs font-medium text-fg">
                  Type
                  <select
                    aria-label={`Type of parameter ${n}`}
                    value={p.type}
                    onChange={(e) => update(i, { type: e.target.value as ParameterType, default: undefined })}
                    className={cn(inputClass, 'mt-1 border-line-strong pr-1 pl-2')}
                  >
                    {PARAMETER_TYPE_NAMES.map((t) => (
                      <option key={t} value={t}>
                        {PARAMETER_TYPES[t].title}
                      </option>
                    ))}
                  </select>
                </label>
                <Button variant="ghost" size="icon" aria-label={`Remove parameter ${p.name || n}`} onClick={() => onChange(parameters.filter((_, j) => j !== i))}>
                  <Trash2 aria-hidden />
                </Button>
              </div>
              <div className="text-xs font-medium text-fg">
                <span id={`pipeline-parameter-${i}-default`}>Default</span>
                <div className="mt-1">
                  <ParameterValueInput
                    type={p.type}
                    value={p.default}
                    label={`Default of parameter ${n}`}
                    datasets={datasets}
                    invalid={problems.some((e) => e.path?.endsWith('.default'))}
                    describedBy={problems.length ? errId : undefined}
                    onChange={(value) => update(i, { default: value })}
                  />
                </div>
              </div>
              <label className="block text-xs font-medium text-fg">
                Description
                <input
                  aria-label={`Description of parameter ${n}`}
                  value={p.description ?? ''}
                  placeholder="What it changes"
                  onChange={(e) => update(i, { description: e.target.value || undefined })}
                  className={cn(inputClass, 'mt-1 border-line-strong')}
                />
              </label>
              {problems.length > 0 && (
                <ul id={errId} className="space-y-0.5 text-xs">
                  {problems.map((e, k) => (
                    <li key={k} className={e.code === 'unused_parameter' ? 'text-warn-strong' : 'font-medium text-bad-strong'}>
                      {e.message}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function dropUndefined(p: ParameterDeclaration): ParameterDeclaration {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as ParameterDeclaration;
}
