'use client';

import { LoaderCircle, Play } from 'lucide-react';
import { useState } from 'react';
import type { CompileError } from '../../workflows/core/compiler';
import type { ParameterDeclaration } from '../../workflows/core/parameters';
import { initialParameterValues, ParameterValueFields, parameterValueProblems } from '../inspector/parameter-value-fields';
import { Button } from '../ui/button';
import { closeDialogOf, Dialog } from '../ui/dialog';

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
  const [values, setValues] = useState<Record<string, unknown>>(() => initialParameterValues(parameters));
  const [tried, setTried] = useState(false);
  const issues = parameterValueProblems(parameters, values);
  const problemOf = (name: string) =>
    (tried ? issues.find((i) => i.name === name)?.message : undefined) ??
    serverErrors.find((e) => e.path === `parameters.${name}`)?.message;
  const otherServerErrors = serverErrors.filter((e) => !parameters.some((p) => e.path === `parameters.${p.name}`));

  return (
    <Dialog title="Run with parameters" description="Each value starts as the parameter’s default." onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (issues.length === 0) onStart(values);
        }}
      >
        <div className="max-h-[60vh] space-y-4 overflow-y-auto px-5 py-4">
          <ParameterValueFields
            parameters={parameters}
            values={values}
            onChange={setValues}
            datasets={datasets}
            idPrefix="run"
            problemOf={problemOf}
          />
          {otherServerErrors.length > 0 && (
            <ul role="alert" className="space-y-1 rounded-lg border border-bad/30 bg-bad-soft px-3 py-2 text-xs text-bad-strong">
              {otherServerErrors.map((e, i) => (
                <li key={i}>{e.message}</li>
              ))}
            </ul>
          )}
        </div>
        <div className="flex justify-end gap-2 border-t border-line px-5 py-3">
          <Button onClick={(e) => closeDialogOf(e.currentTarget)}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={busy}>
            {busy ? <LoaderCircle aria-hidden className="animate-spin" /> : <Play aria-hidden />}
            Start run
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
