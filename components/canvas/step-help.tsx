'use client';

import { Info, Plus } from 'lucide-react';
import { useState } from 'react';
import type { StepManifest } from '../../workflows/steps/catalog';
import { Button } from '../ui/button';
import { cn } from '../ui/cn';
import { Dialog } from '../ui/dialog';
import { portDot } from './port-style';

function Ports({ title, ports }: { title: string; ports: StepManifest['inputs'] }) {
  const list = Object.entries(ports);
  return (
    <div>
      <h3 className="mb-1 text-[11px] font-semibold tracking-wider text-fg-subtle uppercase">{title}</h3>
      {list.length === 0 ? (
        <p className="text-xs text-fg-muted">None</p>
      ) : (
        <ul aria-label={title} className="space-y-0.5 text-sm">
          {list.map(([name, p]) => (
            <li key={name} className="flex items-center gap-2">
              <span aria-hidden className={cn('size-2 rounded-full', portDot[p.type] ?? 'bg-idle')} />
              <span className="text-fg">{p.title}</span>
              <span className="text-xs text-fg-muted">
                {p.type}
                {p.optional ? ', optional' : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The "About" button beside a palette step: the catalog's help, its inputs and outputs, and a way to add it. */
export function StepHelpButton({ step, onAdd }: { step: StepManifest; onAdd: (stepType: string) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        aria-label={`About ${step.title}`}
        title={`About ${step.title}`}
        onClick={() => setOpen(true)}
        className="mt-1 shrink-0 rounded p-0.5 text-fg-subtle hover:bg-subtle hover:text-fg focus-visible:ring-2 focus-visible:ring-accent/40 focus-visible:outline-none"
      >
        <Info aria-hidden className="size-3.5" />
      </button>
      {open && (
        <Dialog title={step.title} description={step.summary} onClose={() => setOpen(false)}>
          <div className="space-y-4 px-5 py-4">
            <p className="text-[13px] leading-5 whitespace-pre-line text-fg">{step.help}</p>
            <div className="grid grid-cols-2 gap-4">
              <Ports title="Inputs" ports={step.inputs} />
              <Ports title="Outputs" ports={step.outputs} />
            </div>
            <p className="font-mono text-xs text-fg-subtle">{step.type}</p>
          </div>
          <form method="dialog" className="flex justify-end gap-2 border-t border-line px-5 py-3">
            <Button type="submit">Close</Button>
            <Button
              type="submit"
              variant="primary"
              onClick={() => {
                onAdd(step.type);
              }}
            >
              <Plus aria-hidden />
              Add to pipeline
            </Button>
          </form>
        </Dialog>
      )}
    </>
  );
}
