'use client';

import { LoaderCircle, Play } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type { CompileError } from '../../workflows/core/compiler';
import { PARAMETER_TYPES, resolveParameterValues, type ParameterDeclaration } from '../../workflows/core/parameters';
import { ParameterValueInput } from '../inspector/parameters-panel';
import { Button } from '../ui/button';

// Asks for the values of a pipeline's parameters before a run starts, pre-filled with the defaults.

export function RunDialog({
  parameters,
  datasets,
  busy,
  serverErrors,
  onStart,
  onClose,
}: {
  parameters: readonly ParameterDeclaration[];
  datasets: { name: string }[];
  busy: boolean;
  /** What the server refused the last start for. */
  serverErrors: CompileError[];
  onStart: (values: Record<string, unknown>) => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [values, setValues] = useState<Record<string, unknown>>(() =>
    Object.fromEntries(parameters.flatMap((p) => (p.default === undefined ? [] : [[p.name, p.default]]))),
  );
  const [tried, setTried] = useState(false);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  const { issues } = resolveParameterValues(parameters, values, true);
  const problemOf = (name: string) =>
    (tried ? issues.find((i) => i.name === name)?.message : undefined) ??
    serverErrors.find((e) => e.path === `parameters.${name}`)?.message;
  const otherServerErrors = serverErrors.filter((e) => !parameters.some((p) => e.path === `parameters.${p.name}`));

  return (
    <dialog
      ref={ref}
      aria-labelledby="run-dialog-title"
      onClose={onClose}
      onCancel={onClose}
      className="m-auto w-[440px] max-w-[calc(100vw-2rem)] rounded-xl border border-line bg-surface p-0 text-fg shadow-(--shadow-pop) backdrop:bg-black/30"
    >
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (issues.length === 0) onStart(values);
        }}
      >
        <div className="border-b border-line px-5 py-3">
          <h2 id="run-dialog-title" className="text-base font-semibold">
            Run with parameters
          </h2>
          <p className="text-xs text-fg-muted">Each value starts as the parameter’s default.</p>
        </div>
        <div className="max-h-[60vh] space-y-4 overflow-y-auto px-5 py-4">
          {parameters.map((p) => {
            const problem = problemOf(p.name);
            const descId = `run-param-${p.name}-desc`;
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
                  onChange={(v) =>
                    setValues((old) => {
                      const next = { ...old };
                      if (v === undefined) delete next[p.name];
                      else next[p.name] = v;
                      return next;
                    })
                  }
                />
                <p id={descId} className="mt-1 text-xs">
                  {problem ? <span className="font-medium text-bad-strong">{problem}</span> : <span className="text-fg-muted">{p.description}</span>}
                </p>
              </div>
            );
          })}
          {otherServerErrors.length > 0 && (
            <ul role="alert" className="space-y-1 rounded-lg border border-bad/30 bg-bad-soft px-3 py-2 text-xs text-bad-strong">
              {otherServerErrors.map((e, i) => (
                <li key={i}>{e.message}</li>
              ))}
            </ul>
          )}
        </div>
        <div className="flex justify-end gap-2 border-t border-line px-5 py-3">
          <Button onClick={() => ref.current?.close()}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={busy}>
            {busy ? <LoaderCircle aria-hidden className="animate-spin" /> : <Play aria-hidden />}
            Start run
          </Button>
        </div>
      </form>
    </dialog>
  );
}
