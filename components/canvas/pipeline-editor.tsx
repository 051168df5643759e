'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ReactFlowProvider, useReactFlow, type Connection, type EdgeChange, type NodeChange } from '@xyflow/react';
import { Redo2, Undo2, Waves } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { canonicalJson } from '../../workflows/core/canonical-json';
import { makeDatasetLookup, type CompileError } from '../../workflows/core/compiler';
import { PIPELINE_NAME, type PipelineDocument } from '../../workflows/core/document';
import type { StepStatus } from '../../workflows/core/plan';
import { Inspector } from '../inspector/inspector';
import { SelectionInspector } from '../inspector/selection-inspector';
import { usePreviewUpTo, type PreviewUpTo } from '../data/use-preview-up-to';
import { ResumeBanner } from '../runs/resume-banner';
import { useTRPC, type RouterOutputs } from '../trpc';
import { Button, buttonClasses } from '../ui/button';
import { ErrorActions, ErrorState, Skeleton } from '../ui/states';
import { isFinished } from '../ui/status-badge';
import { layoutInWorker, layoutRequestOf } from './layout-client';
import { LayingOut, useLaidOutDocument, withPositions } from './use-laid-out-document';
import type { GraphDecorations, NodeDecoration } from './decorations';
import { documentOf, initialEditorState } from './editor-store';
import { historyReducer, initialHistory, useUndoShortcuts } from './history';
import { NODE_WIDTH, edgeId, freeSpot, fromDocument, stepsByType, type StepFlowEdge, type StepFlowNode } from './graph-model';
import { Palette } from './palette';
import { EditorNotice, type Notice } from './editor-notice';
import { DocumentFileButtons } from './document-file';
import { EditorToolbar } from './editor-toolbar';
import { FindStep } from './find-step';
import { ShortcutsButton } from './shortcuts-dialog';
import { SaveWithMessageButton, useSaveShortcut } from './save-message';
import { VersionViewer } from '../versions/version-viewer';
import { PipelineCanvas } from './pipeline-canvas';
import { useCanvasEditing } from './use-canvas-editing';
import { ConnectInputs } from './connect-inputs';
import { useClipboardShortcuts } from './use-clipboard-shortcuts';
import { useCompiledDocument } from './use-compiled-document';
import { useLeaveGuard } from './use-leave-guard';
import { useCodePane } from '../code/use-code-pane';
import { useDraft } from './use-draft';
import { useTemplateDocument } from './use-template-document';
import { ProblemsPanel } from './problems-panel';
import { RunDialog } from './run-dialog';

/** Loads a pipeline (or starts a new one) and opens it in the editor. */
export function PipelineEditor({ name, version, resume, template }: { name: string; version?: number; resume?: string; template?: string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.pipelines.get.queryOptions({ name, version }, { enabled: PIPELINE_NAME.test(name) }));
  const fromTemplate = useTemplateDocument(PIPELINE_NAME.test(name) ? template : undefined, name);
  const [openedNew, setOpenedNew] = useState<string>();
  const laidOut = useLaidOutDocument(query.data?.document, `${name}@${version ?? 'latest'}`);

  if (!PIPELINE_NAME.test(name)) {
    return (
      <div className="p-8">
        <ErrorState
          title={`"${name}" is not a valid pipeline name`}
          message='Pipeline names use lowercase letters, digits, "-" and "_", starting with a letter or digit.'
          action={<Link href="/" className={buttonClasses('secondary', 'sm')}>Back to overview</Link>}
        />
      </div>
    );
  }
  // The first save of a new pipeline refetches it, and a query without data is pending again meanwhile:
  // the editor stays open (same key as the saved pipeline's), keeping its state and its "Saved" notice.
  const notFound = query.isError && query.error.data?.code === 'NOT_FOUND' && version === undefined;
  if (notFound && openedNew !== name) setOpenedNew(name);
  if (query.isPending && !(version === undefined && openedNew === name)) return <EditorSkeleton />;
  if (query.isPending || notFound) {
    // A new pipeline starts blank or, opened from the new-pipeline dialog, as a template (unsaved).
    if (fromTemplate.pending) return <EditorSkeleton />;
    if (fromTemplate.error) return <ErrorState title="Could not open the template" message={fromTemplate.error} />;
    const blank: PipelineDocument = fromTemplate.document ?? { apiVersion: 'millrace/v1', name, nodes: [], edges: [] };
    return <EditorWorkspace key={`${name}@latest`} document={blank} versions={[]} isNew />;
  }
  if (query.isError) {
    return (
      <div className="p-8">
        <ErrorState
          title={query.error.data?.code === 'NOT_FOUND' ? 'Pipeline version not found' : 'Could not load the pipeline'}
          message={query.error.message}
          action={<ErrorActions onRetry={() => query.refetch()} />}
        />
      </div>
    );
  }
  if (!laidOut) return <LayingOut />;
  // An earlier version opens read-only (unless it is being fixed to resume a run).
  const latestVersion = query.data.versions[0]?.version ?? query.data.version;
  if (version !== undefined && !resume && query.data.version < latestVersion) {
    return <VersionViewer key={`${name}@${version}`} name={name} document={laidOut} version={query.data.version} latestVersion={latestVersion} />;
  }
  return (
    <EditorWorkspace
      key={`${name}@${version ?? 'latest'}`}
      document={laidOut}
      version={query.data.version}
      versions={query.data.versions}
      resume={resume}
    />
  );
}

function EditorSkeleton() {
  return (
    <div role="status" aria-label="Loading pipeline" className="flex min-h-0 flex-1 flex-col">
      <div className="flex h-14 items-center gap-3 border-b border-line bg-surface px-4">
        <Skeleton className="h-5 w-48" />
        <Skeleton className="ml-auto h-8 w-64" />
      </div>
      <div className="flex min-h-0 flex-1">
        <div className="w-64 space-y-2 border-r border-line bg-surface p-3">
          {Array.from({ length: 8 }, (_, i) => (
            <Skeleton key={i} className="h-10" />
          ))}
        </div>
        <div className="flex-1 bg-app" />
        <div className="w-[340px] border-l border-line bg-surface p-4">
          <Skeleton className="h-24" />
        </div>
      </div>
    </div>
  );
}

function EditorWorkspace(props: {
  document: PipelineDocument;
  version?: number;
  versions: RouterOutputs['pipelines']['get']['versions'];
  isNew?: boolean;
  resume?: string;
}) {
  return (
    <ReactFlowProvider>
      <Workspace {...props} />
    </ReactFlowProvider>
  );
}

function Workspace({
  document: loaded,
  version: loadedVersion,
  versions,
  isNew,
  resume,
}: {
  document: PipelineDocument;
  version?: number;
  versions: RouterOutputs['pipelines']['get']['versions'];
  isNew?: boolean;
  /** Fix and resume: the failed run that saving and running resumes. */
  resume?: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const { screenToFlowPosition, fitView } = useReactFlow();
  const [history, dispatch] = useReducer(historyReducer, undefined, () => initialHistory(initialEditorState(loaded, loadedVersion)));
  const state = history.present;
  useUndoShortcuts(dispatch);
  const [notice, setNotice] = useState<Notice>();
  // Errors a save returned, for the document they were about; an edit makes them stale.
  const [rejected, setRejected] = useState<{ json: string; errors: CompileError[] }>();
  const [showRun, setShowRun] = useState(false);
  // The Run dialog, open when the pipeline declares parameters, with what the server last refused.
  const [asking, setAsking] = useState<{ errors: CompileError[] }>();
  const canvasRef = useRef<HTMLDivElement>(null);

  const datasets = useQuery(trpc.datasets.list.queryOptions());
  const datasetSchemas = useQuery(trpc.datasets.schemas.queryOptions());
  const datasetLookup = useMemo(() => (datasetSchemas.data ? makeDatasetLookup(datasetSchemas.data) : undefined), [datasetSchemas.data]);
  const endpoints = useQuery(trpc.endpoints.list.queryOptions());
  const lastRuns = useQuery(trpc.runs.list.queryOptions({ pipeline: state.name, limit: 1 }, { enabled: !isNew }));
  const lastRunId = lastRuns.data?.[0]?.runId;
  const lastRun = useQuery(
    trpc.runs.get.queryOptions(
      { runId: lastRunId ?? '' },
      {
        enabled: Boolean(lastRunId),
        refetchInterval: (q) => (q.state.data && !isFinished(q.state.data.status) ? 1500 : false),
      },
    ),
  );

  // The document, and what the compiler thinks of it. Positions do not change validity, so dragging
  // a node does not re-run the compiler.
  const document = useMemo(() => documentOf(state), [state]);
  const documentJson = useMemo(() => canonicalJson(document), [document]);
  const dirty = documentJson !== state.savedJson || Boolean(isNew && state.version === undefined);
  const semanticJson = useMemo(
    () => canonicalJson({ ...document, notes: undefined, nodes: document.nodes.map(({ position: _, ...n }) => n) }),
    [document],
  );
  const compiled = useCompiledDocument(semanticJson, datasetLookup);
  const liveErrors = compiled.ok ? [] : compiled.errors;

  const serverErrors = rejected?.json === semanticJson ? rejected.errors : undefined;
  const shownErrors = serverErrors ?? liveErrors;

  const statusByNode = useMemo(() => {
    const map = new Map<string, StepStatus>();
    if (showRun) for (const s of lastRun.data?.steps ?? []) map.set(s.nodeId, s.status);
    return map;
  }, [showRun, lastRun.data]);

  const decorations: GraphDecorations = useMemo(() => {
    const byNode = new Map<string, NodeDecoration>();
    for (const e of shownErrors) {
      if (!e.nodeId) continue;
      const d = byNode.get(e.nodeId) ?? { errors: [] };
      d.errors.push(e);
      byNode.set(e.nodeId, d);
    }
    for (const [id, status] of statusByNode) byNode.set(id, { errors: byNode.get(id)?.errors ?? [], status });
    return { byNode, readOnly: false };
  }, [shownErrors, statusByNode]);

  const badEdges = useMemo(
    () => new Set(shownErrors.flatMap((e) => (e.edge ? [edgeId(e.edge.from, e.edge.to)] : []))),
    [shownErrors],
  );

  const selected = useMemo(() => {
    const picked = state.nodes.filter((n) => n.selected);
    return picked.length === 1 ? picked[0] : undefined;
  }, [state.nodes]);

  // The columns (with types) that reach the selected node's first table input, as the compiler propagated them.
  const selectedStep = selected ? stepsByType.get(selected.data.stepType) : undefined;
  const tableInput = selectedStep ? Object.entries(selectedStep.inputs).find(([, p]) => p.type === 'table')?.[0] : undefined;
  const inputSchema = selected && tableInput ? compiled.schemas[selected.id]?.inputs[tableInput] : undefined;
  const columns = inputSchema?.map((c) => c.name);
  const columnTypes = inputSchema ? Object.fromEntries(inputSchema.map((c) => [c.name, c.type])) : undefined;
  const columnsSource = selected && tableInput ? state.edges.find((e) => e.target === selected.id && e.targetHandle === tableInput)?.source : undefined;

  const onNodesChange = useCallback((changes: NodeChange<StepFlowNode>[]) => dispatch({ type: 'nodesChanged', changes }), []);
  const onEdgesChange = useCallback((changes: EdgeChange<StepFlowEdge>[]) => dispatch({ type: 'edgesChanged', changes }), []);
  const onConnect = useCallback((connection: Connection) => dispatch({ type: 'connect', connection }), []);
  const onAddStep = useCallback(
    (stepType: string, position: { x: number; y: number }) => dispatch({ type: 'addStep', stepType, position }),
    [],
  );
  const onRefused = useCallback((text: string) => setNotice({ tone: 'bad', text }), []);
  const closeNotice = useCallback(() => setNotice(undefined), []);

  const addAtCenter = (stepType: string) => {
    const rect = canvasRef.current?.getBoundingClientRect();
    if (!rect) return;
    const p = takeSpot() ?? screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 3 });
    onAddStep(stepType, freeSpot({ x: Math.round(p.x - NODE_WIDTH / 2), y: Math.round(p.y) }, state.nodes));
  };

  const autoLayout = async () => {
    dispatch({ type: 'moveNodes', positions: await layoutInWorker(layoutRequestOf(state.nodes, state.edges)) });
    requestAnimationFrame(() => fitView({ padding: 0.2, maxZoom: 1.1, duration: 300 }));
  };

  // The canvas's menu starts previews; the hook that runs them needs `save`, defined below.
  const previewRef = useRef<PreviewUpTo>(undefined);
  const sayTone = useCallback((tone: Notice['tone'], text: string) => setNotice({ tone, text }), []);
  const { editing, actions: canvasActions, alignSelection, takeSpot } = useCanvasEditing({
    state,
    dispatch,
    say: sayTone,
    onAutoLayout: autoLayout,
    onPreviewUpTo: (nodeId) => void previewRef.current?.start(nodeId),
  });
  const severalSelected = useMemo(() => state.nodes.filter((n) => n.selected), [state.nodes]);

  const selectNode = (nodeId: string) => {
    dispatch({ type: 'select', nodeId });
    fitView({ nodes: [{ id: nodeId }], maxZoom: 1.1, duration: 300 });
  };

  const saveMutation = useMutation(trpc.pipelines.save.mutationOptions());
  const startMutation = useMutation(trpc.runs.start.mutationOptions());
  const resumeMutation = useMutation(trpc.runs.resume.mutationOptions());
  const busy = saveMutation.isPending || startMutation.isPending || resumeMutation.isPending;

  const save = async (message?: string): Promise<number | undefined> => {
    const sent = document;
    try {
      const result = await saveMutation.mutateAsync({ document: sent, ...(message?.trim() ? { message } : {}) });
      if (!result.ok) {
        setRejected({ json: semanticJson, errors: result.errors });
        setNotice({ tone: 'bad', text: 'Not saved: the server found problems (listed below the canvas).' });
        return undefined;
      }
      dispatch({ type: 'saved', document: sent, version: result.version });
      setNotice({
        tone: 'ok',
        text: result.created ? `Saved version ${result.version}` : `No changes: version ${result.version} is current`,
      });
      void queryClient.invalidateQueries({ queryKey: trpc.pipelines.pathKey() });
      return result.version;
    } catch (err) {
      setNotice({ tone: 'bad', text: `Not saved: ${(err as Error).message}` });
      return undefined;
    }
  };

  /** A pipeline file in place of the graph; the name stays this pipeline's, and saving makes it a version. */
  const importDocument = async (imported: PipelineDocument, fileName: string) => {
    const { nodes, edges } = fromDocument(await withPositions(imported));
    dispatch({ type: 'replace', state: { nodes, edges, notes: initialEditorState(imported).notes, description: imported.description, parameters: imported.parameters } });
    setNotice({
      tone: 'info',
      text:
        `Imported ${fileName}: ${imported.nodes.length} steps` +
        (imported.name !== state.name ? ` (its name "${imported.name}" is not taken; this is still ${state.name})` : '') +
        '. Save to keep it.',
    });
    requestAnimationFrame(() => fitView({ padding: 0.2, maxZoom: 1.1, duration: 300 }));
  };

  useSaveShortcut(() => {
    if (dirty && !busy) void save();
  });
  const preview = usePreviewUpTo({ pipeline: state.name, version: state.version, dirty, save });
  useEffect(() => {
    previewRef.current = preview;
  });

  const sayInfo = useCallback((text: string) => setNotice({ tone: 'info', text }), []);
  useClipboardShortcuts(state, dispatch, sayInfo);

  const latestVersion = versions.length ? Math.max(...versions.map((v) => v.version)) : undefined;
  const draft = useDraft({ name: state.name, document, documentJson, savedJson: state.savedJson, dirty, version: state.version, latestVersion, dispatch });
  const code = useCodePane({ document, nodes: state.nodes, errors: shownErrors, dispatch, say: setNotice });

  const { dialog: leaveDialog } = useLeaveGuard({ dirty, save: async () => (await save()) !== undefined });

  const run = async (params?: Record<string, unknown>) => {
    // A resumed run takes the values the failed run had.
    if (params === undefined && state.parameters?.length && !resume) {
      setAsking({ errors: [] });
      return;
    }
    let version = state.version;
    if (dirty || version === undefined) {
      version = await save();
      if (version === undefined) return;
    }
    try {
      const started = resume
        ? await resumeMutation.mutateAsync({ runId: resume, version })
        : await startMutation.mutateAsync({ pipeline: state.name, version, ...(params ? { params: params as Record<string, string | number | boolean> } : {}) });
      if (!resume && !started.ok && params && started.errors.some((e) => e.path?.startsWith('parameters.'))) {
        setAsking({ errors: started.errors });
        return;
      }
      setAsking(undefined);
      if (!started.ok) {
        setRejected({ json: semanticJson, errors: started.errors });
        setNotice({ tone: 'bad', text: 'Not started: the pipeline cannot run as it is (problems listed below the canvas).' });
        return;
      }
      void queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() });
      router.push(`/runs/${started.runId}`);
    } catch (err) {
      setNotice({ tone: 'bad', text: `Could not start the run: ${(err as Error).message}` });
    }
  };

  const nodeIds = useMemo(() => new Set(state.nodes.map((n) => n.id)), [state.nodes]);
  const parameterProblems = useMemo(
    () => ({
      errors: shownErrors.filter((e) => !e.nodeId && e.path?.startsWith('parameters')),
      warnings: compiled.warnings.filter((e) => !e.nodeId && e.path?.startsWith('parameters')),
    }),
    [shownErrors, compiled.warnings],
  );
  const latest = lastRuns.data?.[0];

  return (
    <div className="flex h-[calc(100dvh-3rem)] min-h-[520px] flex-col">
      <EditorToolbar
        name={state.name}
        version={state.version}
        dirty={dirty}
        versions={versions}
        onOpenVersion={(v) => {
          if (dirty && !window.confirm('Discard unsaved changes?')) return;
          router.push(`/pipelines/${state.name}?version=${v}`);
        }}
        lastRun={latest && { runId: latest.runId, createdAt: latest.createdAt, status: lastRun.data?.status ?? latest.status }}
        showRun={showRun}
        onToggleShowRun={() => setShowRun((s) => !s)}
        canLayout={state.nodes.length > 0}
        onAutoLayout={() => void autoLayout()}
        saving={saveMutation.isPending}
        starting={startMutation.isPending || resumeMutation.isPending}
        busy={busy}
        onSave={() => void save()}
        runBlocked={state.nodes.length === 0 ? 'Add steps first' : liveErrors.length > 0 ? 'Fix the problems first' : undefined}
        runTitle={dirty ? 'Save a new version and run it' : 'Run this version'}
        runLabel={resume ? 'Save and resume' : 'Run'}
        onRun={() => void run()}
      >
        <Button aria-label="Undo" title="Undo (Ctrl+Z)" size="icon" onClick={() => dispatch({ type: 'undo' })} disabled={history.past.length === 0}>
          <Undo2 aria-hidden />
        </Button>
        <Button aria-label="Redo" title="Redo (Ctrl+Shift+Z)" size="icon" onClick={() => dispatch({ type: 'redo' })} disabled={history.future.length === 0}>
          <Redo2 aria-hidden />
        </Button>
        <SaveWithMessageButton disabled={busy || !dirty} onSave={async (message) => (await save(message)) !== undefined} />
        {code.toggle}
        <ShortcutsButton />
        <DocumentFileButtons document={document} onImport={importDocument} onError={(text) => setNotice({ tone: 'bad', text })} />
        {state.version && state.nodes.some((n) => n.data.stepType === 'monitor.drift') && (
          <Link href={`/pipelines/${state.name}/drift`} className={buttonClasses('secondary')} title="Drift scores of this pipeline's runs over time">
            <Waves aria-hidden />
            Drift over time
          </Link>
        )}
      </EditorToolbar>
      {draft.banner}

      <div className="flex min-h-0 flex-1">
        <Palette onAdd={addAtCenter} />
        <main className="relative flex min-w-0 flex-1 flex-col bg-app">
          {resume && <ResumeBanner runId={resume} />}
          <EditorNotice notice={notice} onClose={closeNotice} />
          <FindStep nodes={state.nodes} onFind={selectNode} />
          {state.nodes.length === 0 && (
            <div className="pointer-events-none absolute inset-0 z-[5] flex items-center justify-center">
              <div className="rounded-xl border border-dashed border-line-strong bg-surface/80 px-8 py-6 text-center">
                <p className="text-sm font-medium text-fg">An empty pipeline</p>
                <p className="mt-1 text-sm text-fg-muted">Drag a step from the palette, starting with a Dataset.</p>
              </div>
            </div>
          )}
          <PipelineCanvas
            ref={canvasRef}
            nodes={state.nodes}
            edges={state.edges}
            decorations={decorations}
            badEdges={badEdges}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onAddStep={onAddStep}
            onRefused={onRefused}
            editing={editing}
          />
          <ProblemsPanel
            errors={shownErrors}
            warnings={serverErrors ? [] : compiled.warnings}
            empty={state.nodes.length === 0}
            source={serverErrors ? 'server' : 'live'}
            onSelectNode={selectNode}
          />
        </main>
        {code.pane}
        {severalSelected.length > 1 ? (
          <SelectionInspector
            steps={severalSelected}
            onSelectOnly={selectNode}
            onDuplicate={() => canvasActions.duplicate(severalSelected.map((n) => n.id))}
            onRemove={() => canvasActions.remove(severalSelected.map((n) => n.id))}
            onAlign={alignSelection}
          />
        ) : <Inspector
          node={selected}
          nodeIds={nodeIds}
          errors={selected ? shownErrors.filter((e) => e.nodeId === selected.id) : []}
          columns={columns}
          columnTypes={columnTypes}
          columnsSource={columnsSource ? `"${columnsSource}"` : undefined}
          inputSchemas={selected ? compiled.schemas[selected.id]?.inputs : undefined}
          datasets={datasets.data ?? []}
          endpoints={(endpoints.data ?? []).map((e) => e.name)}
          onParams={(nodeId, params) => dispatch({ type: 'setParams', nodeId, params })}
          onLabel={(nodeId, label) => dispatch({ type: 'setLabel', nodeId, label })}
          onExecution={(nodeId, execution) => dispatch({ type: 'setExecution', nodeId, execution })}
          onRename={(nodeId, newId) => dispatch({ type: 'renameNode', nodeId, newId })}
          onRemove={(nodeId) => dispatch({ type: 'removeNode', nodeId })}
          pipeline={{ name: state.name, description: state.description, steps: state.nodes.length }}
          onDescription={(description) => dispatch({ type: 'setDescription', description })}
          parameters={state.parameters ?? []}
          onParameters={(parameters) => dispatch({ type: 'setParameters', parameters })}
          parameterProblems={parameterProblems}
          preview={preview}
          connections={
            selected && (
              <ConnectInputs
                node={selected}
                nodes={state.nodes}
                edges={state.edges}
                onConnect={onConnect}
                onDisconnect={(id) => onEdgesChange([{ type: 'remove', id }])}
              />
            )
          }
        />}
        {leaveDialog}
        {asking && (
          <RunDialog
            parameters={state.parameters ?? []}
            datasets={datasets.data ?? []}
            busy={busy}
            serverErrors={asking.errors}
            onStart={(values) => void run(values)}
            onClose={() => setAsking(undefined)}
          />
        )}
      </div>
    </div>
  );
}
