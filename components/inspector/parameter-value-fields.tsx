'use client';

import { PARAMETER_TYPES, parameterValueText, resolveParameterValues, type ParameterDeclaration } from '../../workflows/core/parameters';
import { ParameterValueInput } from './parameters-panel';

// One typed input per declared parameter, for every form that hands values to runs (the Run dialog, a
// schedule, a trigger): the same inputs, labels and messages everywhere.

/** The values a form starts from: the given ones, else each parameter's default. */
export function initialParameterValues(parameters: readonly ParameterDeclaration[], given: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  return {
    ...Object.fromEntries(parameters.flatMap((p) => (p.default === undefined ? [] : [[p.name, p.default]]))),
    ...given,
  };
}

/** Why the values cannot be saved, per parameter (every parameter needs a value of its type). */
export function parameterValueProblems(parameters: readonly ParameterDeclaration[], values: Readonly<Record<string, unknown>>) {
  return resolveParameterValues(parameters, values, true).issues;
}

export function ParameterValueFields({
  parameters,
  values,
  onChange,
  datasets,
  idPrefix,
  problemOf,
}: {
  parameters: readonly ParameterDeclaration[];
  values: Readonly<Record<string, unknown>>;
  onChange: (values: Record<string, unknown>) => void;
  datasets: { name: string }[];
  /** Unique on the page: the description ids are made from it. */
  idPrefix: string;
  /** What is wrong with a parameter's value, shown under its input instead of its description. */
  problemOf: (name: string) => string | undefined;
}) {
  return (
    <>
      {parameters.map((p) => {
        const problem = problemOf(p.name);
        const descId = `${idPrefix}-param-${p.name}-desc`;
        return (
          <div key={p.name}>
            <div className="mb-1 flex items-baseline gap-2">
              <span className="font-mono text-[13px] font-medium">{p.name}</span>
              <span className="text-[11px] text-fg-subtle">{PARAMETER_TYPES[p.type].title}</span>
            </div>
            <ParameterValueInput
              type={p.type}
              value={values[p.name]}
              label={p.name}
              datasets={datasets}
              invalid={Boolean(problem)}
              describedBy={descId}
              onChange={(v) => {
                const next = { ...values };
                if (v === undefined) delete next[p.name];
                else next[p.name] = v;
                onChange(next);
              }}
            />
            <p id={descId} className="mt-1 text-xs">
              {problem ? <span className="font-medium text-bad-strong">{problem}</span> : <span className="text-fg-muted">{p.description}</span>}
            </p>
          </div>
        );
      })}
    </>
  );
}

/** The values a schedule or trigger passes, as "name = value" items. */
export function ParameterValueList({ values, label }: { values: Readonly<Record<string, unknown>>; label: string }) {
  const entries = Object.entries(values);
  if (entries.length === 0) return <span>None (each parameter’s default at the time of the run)</span>;
  return (
    <ul aria-label={label} className="flex flex-wrap gap-x-3">
      {entries.map(([name, value]) => (
        <li key={name}>
          <code className="font-mono text-fg">{name}</code> = <code className="font-mono text-fg">{parameterValueText(value)}</code>
        </li>
      ))}
    </ul>
  );
}
