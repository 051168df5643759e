'use client';

import { MousePointerClick, Trash2 } from 'lucide-react';
import { useMemo, useState, type ReactNode } from 'react';
import type { CompileError } from '../../workflows/core/compiler';
import type { ParameterDeclaration } from '../../workflows/core/parameters';
import { NODE_ID } from '../../workflows/core/document';
import { stepsByType, type NodeExecution, type StepFlowNode } from '../canvas/graph-model';
import { categoryLook, fallbackCategory, portDot } from '../canvas/port-style';
import { StepIcon } from '../canvas/step-icons';
import { Button } from '../ui/button';
import { cn } from '../ui/cn';
import type { JsonSchema } from './json-schema';
import { ExecutionSettings } from './execution-settings';
import { ParametersPanel } from './parameters-panel';
import { ParamsForm, type ParamsFormContext } from './params-form';
import { StepData } from '../data/step-data';
import type { PreviewUpTo } from '../data/use-preview-up-to';
import { InspectorTabs } from './inspector-tabs';

const METRIC_SUGGESTIONS = ['accuracy', 'precision_macro', 'recall_macro', 'f1_macro', 'rmse', 'mae', 'r2'];

export interface InspectorProps {
  node: StepFlowNode | undefined;
  nodeIds: ReadonlySet<string>;
  errors: CompileError[];
  columns?: string[];
  columnTypes?: Record<string, string>;
  columnsSource?: string;
  inputSchemas?: ParamsFormContext['inputSchemas'];
  datasets: ParamsFormContext['datasets'];
  endpoints: string[];
  onParams: (nodeId: string, params: Record<string, unknown>) => void;
  onLabel: (nodeId: string, label: string) => void;
  onExecution: (nodeId: string, execution: NodeExecution) => void;
  onRename: (nodeId: string, newId: string) => void;
  onRemove: (nodeId: string) => void;
  pipeline: { name: string; description?: string; steps: number };
  onDescription: (description: string) => void;
  parameters: ParameterDeclaration[];
  onParameters: (parameters: ParameterDeclaration[]) => void;
  /** The compiler's messages about the parameter declarations (paths "parameters.…"). */
  parameterProblems: { errors: CompileError[]; warnings: CompileError[] };
  /** "Preview up to here" for the Data view; absent, the view only lists outputs of earlier runs. */
  preview?: PreviewUpTo;
  /** The selected step's wiring controls, shown under its ports. */
  connections?: ReactNode;
}

const panelClass = 'flex min-h-0 w-[340px] shrink-0 flex-col border-l border-line bg-surface';

export function Inspector(props: InspectorProps) {
  const { node } = props;
  if (!node) return <PipelineInspector {...props} />;
  return <StepInspector key={node.id} {...props} node={node} />;
}

function PipelineInspector({ pipeline, onDescription, parameters, onParameters, parameterProblems, datasets }: InspectorProps) {
  return (
    <aside aria-label="Inspector" className={panelClass}>
      <div className="border-b border-line px-4 py-3">
        <p className="text-[11px] font-semibold tracking-wider text-fg-subtle uppercase">Pipeline</p>
        <h2 className="truncate text-base font-semibold text-fg">{pipeline.name}</h2>
        <p className="text-xs text-fg-muted">
          {pipeline.steps} {pipeline.steps === 1 ? 'step' : 'steps'}
        </p>
      </div>
      <div className="space-y-4 overflow-y-auto p-4">
        <div>
          <label htmlFor="pipeline-description" className="mb-1 block text-xs font-medium text-fg">
            Description
          </label>
          <textarea
            id="pipeline-description"
            rows={3}
            value={pipeline.description ?? ''}
            onChange={(e) => onDescription(e.target.value)}
            placeholder="What this pipeline is for"
            className="w-full resize-y rounded-md border border-line-strong bg-surface px-2.5 py-1.5 text-sm placeholder:text-fg-subtle focus:border-accent focus:ring-2 focus:ring-accent/20 focus:outline-none"
          />
        </div>
        <ParametersPanel
          parameters={parameters}
          onChange={onParameters}
          errors={parameterProblems.errors}
          warnings={parameterProblems.warnings}
          datasets={datasets}
        />
        <div className="rounded-lg border border-dashed border-line-strong px-4 py-6 text-center">
          <MousePointerClick aria-hidden className="mx-auto mb-2 size-5 text-fg-subtle" />
          <p className="text-sm font-medium text-fg">Select a step to edit it</p>
          <p className="mt-1 text-xs text-fg-muted">
            Drag steps from the palette, connect an output (right) to an input (left) of the same colour. Delete removes the
            selection.
          </p>
        </div>
      </div>
    </aside>
  );
}

function StepInspector({
  node,
  nodeIds,
  errors,
  columns,
  columnTypes,
  columnsSource,
  inputSchemas,
  datasets,
  endpoints,
  onParams,
  onLabel,
  onExecution,
  onRename,
  onRemove,
  parameters,
  pipeline,
  preview,
  connections,
}: InspectorProps & { node: StepFlowNode }) {
  const [tab, setTab] = useState<'settings' | 'data'>(preview?.active?.nodeId === node.id ? 'data' : 'settings');
  // A preview of this step started elsewhere (the canvas's menu) shows its progress in the Data tab.
  const [seenPreview, setSeenPreview] = useState(preview?.active?.runId);
  if (preview?.active && preview.active.runId !== seenPreview) {
    setSeenPreview(preview.active.runId);
    if (preview.active.nodeId === node.id) setTab('data');
  }
  const step = stepsByType.get(node.data.stepType);
  const look = (step && categoryLook[step.category]) ?? fallbackCategory;
  const [idDraft, setIdDraft] = useState(node.id);
  const idProblem =
    idDraft === node.id
      ? undefined
      : !NODE_ID.test(idDraft)
        ? 'Start with a letter or "_"; use letters, digits, "-" and "_"'
        : nodeIds.has(idDraft)
          ? `Another step is called "${idDraft}"`
          : undefined;
  const commitId = () => {
    if (idDraft !== node.id && !idProblem) onRename(node.id, idDraft);
  };

  const errorsByPath = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const e of errors) if (e.path) map.set(e.path, [...(map.get(e.path) ?? []), e.message]);
    return map;
  }, [errors]);
  const sqlProblems = useMemo(() => {
    const map = new Map<string, { message: string; position?: number }[]>();
    for (const e of errors) if (e.path && e.code === 'invalid_sql') map.set(e.path, [...(map.get(e.path) ?? []), { message: e.message, position: e.position }]);
    return map;
  }, [errors]);
  const isExecutionPath = (path?: string) => path === 'timeoutSeconds' || Boolean(path?.startsWith('retry'));
  const otherErrors = errors.filter((e) => !e.path?.startsWith('params.') && !isExecutionPath(e.path));

  const context: ParamsFormContext = {
    columns,
    columnTypes,
    columnsSource,
    inputSchemas,
    datasets,
    endpoints,
    suggestions: { metric: METRIC_SUGGESTIONS },
    errors: errorsByPath,
    sqlProblems,
    pipelineParameters: parameters,
  };

  return (
    <aside aria-label="Inspector" className={panelClass}>
      <div className="flex items-start gap-3 border-b border-line px-4 py-3">
        <span className={cn('mt-0.5 flex size-8 shrink-0 items-center justify-center rounded-lg [&_svg]:size-4', look.tint)}>
          <StepIcon stepType={node.data.stepType} category={step?.category} />
        </span>
        <div className="min-w-0 flex-1">
          <p className="text-[11px] font-semibold tracking-wider text-fg-subtle uppercase">{step?.category ?? 'Step'}</p>
          <h2 className="text-base leading-tight font-semibold text-fg">{step?.title ?? node.data.stepType}</h2>
          <p className="truncate font-mono text-[11px] text-fg-subtle">{node.data.stepType}</p>
        </div>
        <Button variant="danger" size="sm" onClick={() => onRemove(node.id)} aria-label={`Remove step ${node.id}`}>
          <Trash2 aria-hidden />
          Remove
        </Button>
      </div>

      <InspectorTabs tab={tab} onTab={setTab} />
      <div id="inspector-data" role="tabpanel" aria-labelledby="inspector-tab-data" hidden={tab !== 'data'} className="min-h-0 flex-1 overflow-y-auto px-4 py-4">
        {tab === 'data' && (
          <StepData
            pipeline={pipeline.name}
            nodeId={node.id}
            params={node.data.params}
            hasTables={Boolean(step && Object.values(step.outputs).some((p) => p.type === 'table'))}
            preview={preview}
          />
        )}
      </div>
      <div id="inspector-settings" role="tabpanel" aria-labelledby="inspector-tab-settings" hidden={tab !== 'settings'} className="min-h-0 flex-1 space-y-5 overflow-y-auto px-4 py-4">
        {step && <p className="text-[13px] leading-5 text-fg-muted">{step.help}</p>}

        <div className="grid grid-cols-2 gap-3">
          <div className="min-w-0">
            <label htmlFor="node-id" className="mb-1 block text-xs font-medium text-fg">
              Step id
            </label>
            <input
              id="node-id"
              value={idDraft}
              onChange={(e) => setIdDraft(e.target.value)}
              onBlur={commitId}
              onKeyDown={(e) => {
                if (e.key === 'Enter') commitId();
                if (e.key === 'Escape') setIdDraft(node.id);
              }}
              aria-invalid={Boolean(idProblem) || undefined}
              aria-describedby={idProblem ? 'node-id-err' : undefined}
              spellCheck={false}
              className={cn(
                'h-8 w-full rounded-md border bg-surface px-2.5 font-mono text-[13px] focus:border-accent focus:ring-2 focus:ring-accent/20 focus:outline-none',
                idProblem ? 'border-bad' : 'border-line-strong',
              )}
            />
          </div>
          <div className="min-w-0">
            <label htmlFor="node-label" className="mb-1 block text-xs font-medium text-fg">
              Label
            </label>
            <input
              id="node-label"
              value={node.data.label ?? ''}
              placeholder={step?.title}
              onChange={(e) => onLabel(node.id, e.target.value)}
              className="h-8 w-full rounded-md border border-line-strong bg-surface px-2.5 text-sm placeholder:text-fg-subtle focus:border-accent focus:ring-2 focus:ring-accent/20 focus:outline-none"
            />
          </div>
          {idProblem && (
            <p id="node-id-err" className="col-span-2 -mt-1 text-xs font-medium text-bad-strong">
              {idProblem}
            </p>
          )}
        </div>

        <section aria-labelledby="params-heading">
          <h3 id="params-heading" className="mb-2.5 text-[11px] font-semibold tracking-wider text-fg-subtle uppercase">
            Parameters
          </h3>
          {step ? (
            <ParamsForm
              schema={step.paramsSchema as JsonSchema}
              value={node.data.params}
              onChange={(params) => onParams(node.id, params)}
              context={context}
            />
          ) : (
            <p className="text-sm text-bad-strong">Unknown step type; remove this step.</p>
          )}
        </section>

        {step && (
          <ExecutionSettings
            step={step}
            value={node.data.execution ?? {}}
            errors={errorsByPath}
            onChange={(execution) => onExecution(node.id, execution)}
          />
        )}

        {step && (
          <section aria-labelledby="ports-heading">
            <h3 id="ports-heading" className="mb-2 text-[11px] font-semibold tracking-wider text-fg-subtle uppercase">
              Ports
            </h3>
            <ul className="space-y-1 text-xs">
              {Object.entries(step.inputs).map(([name, p]) => (
                <li key={`in-${name}`} className="flex items-center gap-2 text-fg-muted">
                  <span aria-hidden className={cn('size-2 rounded-full', portDot[p.type])} />
                  <span className="text-fg">in</span> {p.title}
                  <span className="ml-auto font-mono text-fg-subtle">
                    {p.type}
                    {p.optional ? ', optional' : ''}
                  </span>
                </li>
              ))}
              {Object.entries(step.outputs).map(([name, p]) => (
                <li key={`out-${name}`} className="flex items-center gap-2 text-fg-muted">
                  <span aria-hidden className={cn('size-2 rounded-full', portDot[p.type])} />
                  <span className="text-fg">out</span> {p.title}
                  <span className="ml-auto font-mono text-fg-subtle">{p.type}</span>
                </li>
              ))}
            </ul>
          </section>
        )}

        {connections}

        {otherErrors.length > 0 && (
          <section aria-label={`Problems with ${node.id}`} className="rounded-lg border border-bad/30 bg-bad-soft px-3 py-2">
            <ul className="space-y-1 text-xs text-bad-strong">
              {otherErrors.map((e, i) => (
                <li key={i}>{e.message}</li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </aside>
  );
}
