'use client';

import { useQuery } from '@tanstack/react-query';
import { FilePlus2, LayoutTemplate } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import { PIPELINE_NAME } from '../../workflows/core/document';
import { stepsByType } from '../canvas/graph-model';
import { categoryLook, fallbackCategory } from '../canvas/port-style';
import { useTRPC, type RouterOutputs } from '../trpc';
import { Button } from '../ui/button';
import { cn } from '../ui/cn';
import { Dialog } from '../ui/dialog';
import { ErrorState, LoadingRows } from '../ui/states';
import { pipelineNameProblem, suggestPipelineName } from './pipeline-name';
import { PipelineNameHint } from './pipeline-name-hint';

type Template = RouterOutputs['templates']['list'][number];

const BLANK = '';

/** Opens the new-pipeline dialog: a name, and Blank or a template to start from. */
export function NewFromTemplateButton({ existing }: { existing: readonly string[] }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)}>
        <LayoutTemplate aria-hidden />
        From a template
      </Button>
      {open && <NewPipelineDialog existing={existing} onClose={() => setOpen(false)} />}
    </>
  );
}

/** The steps of a template as their icons, in the document's order: a small picture of what it does. */
function StepIcons({ steps }: { steps: Template['steps'] }) {
  return (
    <span aria-hidden className="flex flex-wrap items-center gap-1">
      {steps.map((s, i) => {
        const step = stepsByType.get(s.type);
        const look = (step && categoryLook[step.category]) ?? fallbackCategory;
        const Icon = look.icon;
        return (
          <span key={s.id} className="flex items-center gap-1">
            {i > 0 && <span className="h-px w-2 bg-line-strong" />}
            <span title={step?.title ?? s.type} className={cn('flex size-6 items-center justify-center rounded-md [&_svg]:size-3.5', look.tint)}>
              <Icon />
            </span>
          </span>
        );
      })}
    </span>
  );
}

function Choice({ value, chosen, onChoose, title, summary, children }: {
  value: string;
  chosen: string;
  onChoose: (v: string) => void;
  title: string;
  summary: string;
  children?: React.ReactNode;
}) {
  const id = useId();
  return (
    <label
      htmlFor={id}
      className={cn(
        'flex cursor-pointer flex-col gap-1.5 rounded-lg border p-3 text-left has-focus-visible:ring-2 has-focus-visible:ring-accent/30',
        chosen === value ? 'border-accent bg-accent-soft' : 'border-line hover:border-line-strong',
      )}
    >
      <span className="flex items-center gap-2">
        <input
          id={id}
          type="radio"
          name="template"
          value={value}
          checked={chosen === value}
          onChange={() => onChoose(value)}
          className="accent-accent"
          aria-labelledby={`${id}-title`}
          aria-describedby={`${id}-summary`}
        />
        <span id={`${id}-title`} className="text-sm font-medium text-fg">
          {title}
        </span>
      </span>
      <span id={`${id}-summary`} className="text-xs text-fg-muted">
        {summary}
      </span>
      {children}
    </label>
  );
}

function NewPipelineDialog({ existing, onClose }: { existing: readonly string[]; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const templates = useQuery(trpc.templates.list.queryOptions(undefined, { staleTime: Infinity }));
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<string>('classification');
  const valid = PIPELINE_NAME.test(name);
  const problem = pipelineNameProblem(name);
  const suggestion = problem ? suggestPipelineName(name) : undefined;
  const taken = valid && existing.includes(name);
  const create = () => {
    if (valid && !taken) router.push(`/pipelines/${name}${chosen === BLANK ? '' : `?template=${encodeURIComponent(chosen)}`}`);
  };

  return (
    <Dialog title="New pipeline" description="Name it, then start blank or from a template; nothing is saved until you save." onClose={onClose} className="w-[720px]!">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create();
        }}
      >
        <div className="space-y-4 px-5 py-4">
          <div>
            <label htmlFor="template-pipeline-name" className="mb-1 block text-xs font-medium text-fg-muted">
              Pipeline name
            </label>
            <input
              id="template-pipeline-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="new-pipeline-name"
              aria-invalid={Boolean(problem) || taken}
              aria-describedby="template-pipeline-name-hint"
              className="h-9 w-full rounded-lg border border-line-strong bg-surface px-3 text-sm placeholder:text-fg-subtle focus:border-accent focus:ring-2 focus:ring-accent/20 focus:outline-none aria-invalid:border-bad"
            />
            <div id="template-pipeline-name-hint" role="status" className="mt-1 text-xs">
              <PipelineNameHint name={name} problem={problem} suggestion={suggestion} taken={taken} onUse={setName} />
            </div>
          </div>

          <fieldset>
            <legend className="mb-2 text-xs font-medium text-fg-muted">Start from</legend>
            {templates.isError ? (
              <ErrorState title="Could not load the templates" message={templates.error.message} />
            ) : templates.isPending ? (
              <LoadingRows label="Loading templates" />
            ) : (
              <div className="grid grid-cols-1 gap-2 sm:grid-cols-2">
                <Choice value={BLANK} chosen={chosen} onChoose={setChosen} title="Blank" summary="An empty canvas: drag steps from the palette.">
                  <span aria-hidden className="flex size-6 items-center justify-center rounded-md bg-subtle text-fg-muted [&_svg]:size-3.5">
                    <FilePlus2 />
                  </span>
                </Choice>
                {templates.data.map((t) => (
                  <Choice key={t.id} value={t.id} chosen={chosen} onChoose={setChosen} title={t.title} summary={t.summary}>
                    <StepIcons steps={t.steps} />
                  </Choice>
                ))}
              </div>
            )}
          </fieldset>
        </div>
        <div className="flex justify-end gap-2 border-t border-line px-5 py-3">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={!valid || taken}>
            Create pipeline
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
