'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Background, BackgroundVariant, Controls, ReactFlow, ReactFlowProvider, type Edge } from '@xyflow/react';
import { ArrowLeft, Eye, History, LoaderCircle, RotateCcw } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import type { CompileError } from '../../workflows/core/compiler';
import type { PipelineDocument } from '../../workflows/core/document';
import { DecorationsContext, type GraphDecorations } from '../canvas/decorations';
import { fromDocument, stepsByType, type StepFlowNode } from '../canvas/graph-model';
import { nodeTypes } from '../canvas/step-node';
import { useTRPC } from '../trpc';
import { Button, buttonClasses } from '../ui/button';
import { ErrorState } from '../ui/states';

const READ_ONLY: GraphDecorations = { byNode: new Map(), readOnly: true };

/**
 * An earlier version of a pipeline, read-only: nothing can be moved, connected, deleted or edited. It can be
 * restored (saved again as the newest version) or left for the latest one.
 */
export function VersionViewer({ name, document, version, latestVersion }: { name: string; document: PipelineDocument; version: number; latestVersion: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const restore = useMutation(trpc.pipelineVersions.restore.mutationOptions());
  const [refused, setRefused] = useState<{ message: string; errors: CompileError[] }>();
  const [selectedId, setSelectedId] = useState<string>();

  const graph = useMemo(() => fromDocument(document), [document]);
  const nodes: StepFlowNode[] = useMemo(
    () => graph.nodes.map((n) => ({ ...n, draggable: false, connectable: false, deletable: false, selected: n.id === selectedId })),
    [graph.nodes, selectedId],
  );
  const edges: Edge[] = useMemo(() => graph.edges.map((e) => ({ ...e, deletable: false, focusable: false })), [graph.edges]);
  const selected = document.nodes.find((n) => n.id === selectedId);

  const onRestore = async () => {
    setRefused(undefined);
    try {
      const result = await restore.mutateAsync({ name, version });
      if (!result.ok) {
        setRefused({ message: 'This version no longer passes the checks it would need to be saved again.', errors: result.errors });
        return;
      }
      // The editor starts from whatever "latest" it has cached, so that entry goes rather than going stale.
      queryClient.removeQueries({ queryKey: trpc.pipelines.get.queryKey({ name }), exact: true });
      void queryClient.invalidateQueries({ queryKey: trpc.pipelines.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.pipelineVersions.pathKey() });
      router.push(`/pipelines/${name}`);
    } catch (err) {
      setRefused({ message: (err as Error).message, errors: [] });
    }
  };

  return (
    <div className="flex h-[calc(100dvh-3rem)] min-h-[520px] flex-col">
      <div className="flex h-14 shrink-0 items-center gap-3 border-b border-line bg-surface px-4">
        <Link href="/" aria-label="Back to overview" className={buttonClasses('ghost', 'icon')}>
          <ArrowLeft aria-hidden />
        </Link>
        <div className="min-w-0">
          <h1 className="truncate text-[15px] leading-tight font-semibold text-fg">{name}</h1>
          <p className="text-xs text-fg-muted">
            Version {version} of {latestVersion}
          </p>
        </div>
        <Link href={`/pipelines/${name}/versions?from=${version}&to=${latestVersion}`} className={`ml-auto ${buttonClasses('secondary')}`}>
          <History aria-hidden />
          Versions
        </Link>
      </div>
      <div role="region" aria-label="Read-only version" className="flex flex-wrap items-center gap-3 border-b border-warn/40 bg-warn-soft px-4 py-2 text-sm text-warn-strong">
        <Eye aria-hidden className="size-4 shrink-0" />
        <p className="font-medium">
          Viewing version {version} of {latestVersion} — read-only
        </p>
        <div className="ml-auto flex items-center gap-2">
          <Button variant="primary" size="sm" onClick={() => void onRestore()} disabled={restore.isPending} title="Save this document again as the newest version">
            {restore.isPending ? <LoaderCircle aria-hidden className="animate-spin" /> : <RotateCcw aria-hidden />}
            Restore this version
          </Button>
          <Link href={`/pipelines/${name}`} className={buttonClasses('secondary', 'sm')}>
            Back to latest
          </Link>
        </div>
      </div>
      {refused && (
        <ErrorState
          className="m-3"
          title={`Version ${version} was not restored`}
          message={[refused.message, ...refused.errors.map((e) => (e.nodeId ? `${e.nodeId}: ${e.message}` : e.message))].join(' ')}
        />
      )}
      <div className="flex min-h-0 flex-1">
        <main className="relative min-w-0 flex-1 bg-app">
          <ReactFlowProvider>
            <DecorationsContext.Provider value={READ_ONLY}>
              <ReactFlow
                aria-label={`Version ${version} (read-only)`}
                nodes={nodes}
                edges={edges}
                nodeTypes={nodeTypes}
                nodesDraggable={false}
                nodesConnectable={false}
                edgesReconnectable={false}
                deleteKeyCode={null}
                onNodeClick={(_, node) => setSelectedId(node.id)}
                onPaneClick={() => setSelectedId(undefined)}
                fitView
                fitViewOptions={{ padding: 0.08, maxZoom: 1.1 }}
                minZoom={0.1}
                maxZoom={2}
              >
                <Background variant={BackgroundVariant.Dots} gap={18} size={1.2} />
                <Controls showInteractive={false} position="bottom-left" />
              </ReactFlow>
            </DecorationsContext.Provider>
          </ReactFlowProvider>
        </main>
        <aside aria-label="Step details" className="w-[340px] shrink-0 overflow-y-auto border-l border-line bg-surface p-4 text-sm">
          {selected ? (
            <>
              <p className="text-[11px] font-semibold tracking-wider text-fg-subtle uppercase">{stepsByType.get(selected.type)?.title ?? selected.type}</p>
              <h2 className="truncate text-base font-semibold text-fg">{selected.label ?? selected.id}</h2>
              <p className="font-mono text-xs text-fg-subtle">{selected.id}</p>
              {selected.notes && <p className="mt-2 whitespace-pre-wrap text-fg-muted">{selected.notes}</p>}
              <h3 className="mt-4 mb-1 text-xs font-medium text-fg-muted">Parameters</h3>
              {Object.keys(selected.params ?? {}).length === 0 ? (
                <p className="text-fg-subtle">Defaults only</p>
              ) : (
                <dl className="space-y-1.5">
                  {Object.entries(selected.params ?? {}).map(([key, value]) => (
                    <div key={key}>
                      <dt className="text-xs text-fg-muted">{key}</dt>
                      <dd className="font-mono text-xs break-all text-fg">{JSON.stringify(value)}</dd>
                    </div>
                  ))}
                </dl>
              )}
            </>
          ) : (
            <>
              <h2 className="text-base font-semibold text-fg">Version {version}</h2>
              <p className="mt-1 text-fg-muted">
                {document.nodes.length} {document.nodes.length === 1 ? 'step' : 'steps'}. Click a step to see its parameters.
              </p>
              {document.description && <p className="mt-2 whitespace-pre-wrap text-fg-muted">{document.description}</p>}
            </>
          )}
        </aside>
      </div>
    </div>
  );
}
