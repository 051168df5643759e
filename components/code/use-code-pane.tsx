'use client';

import { Braces, X } from 'lucide-react';
import dynamic from 'next/dynamic';
import { useCallback, useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import type { CompileError } from '../../workflows/core/compiler';
import type { PipelineDocument } from '../../workflows/core/document';
import type { EditorAction } from '../canvas/editor-store';
import { fromDocument, toNoteFlowNode, type StepFlowNode } from '../canvas/graph-model';
import { Button } from '../ui/button';
import { cn } from '../ui/cn';
import type { DocumentCodeEditorProps } from './document-code-editor';

/** Monaco touches the DOM when it loads: imported in the browser only, when the pane first opens. */
const DocumentCodeEditor = dynamic<DocumentCodeEditorProps>(() => import('./document-code-editor'), {
  ssr: false,
  loading: () => <div role="status" aria-label="Loading the code editor" className="h-full animate-pulse bg-subtle" />,
});

const MIN_WIDTH = 320;
const DEFAULT_WIDTH = 520;

/**
 * The pipeline as code: a "Code" toggle for the toolbar and, while it is on, the document's JSON in a pane
 * beside the canvas (its width dragged or set with the arrow keys on its edge). A document typed there takes
 * the graph's place as one undoable edit, the selected steps staying selected.
 */
export function useCodePane({
  document,
  nodes,
  errors,
  dispatch,
  say,
}: {
  document: PipelineDocument;
  nodes: readonly StepFlowNode[];
  errors: readonly CompileError[];
  dispatch: (action: EditorAction) => void;
  say: (notice: { tone: 'bad'; text: string }) => void;
}) {
  const [open, setOpen] = useState(false);
  // Once opened, the editor stays mounted (hidden while closed): text not applied yet is never thrown away.
  const [opened, setOpened] = useState(false);
  if (open && !opened) setOpened(true);
  const [width, setWidth] = useState(DEFAULT_WIDTH);
  const [problem, setProblem] = useState<string>();
  const selectedIds = useRef(new Set<string>());
  useEffect(() => {
    selectedIds.current = new Set(nodes.filter((n) => n.selected).map((n) => n.id));
  });

  const onDocument = useCallback(
    (typed: PipelineDocument) => {
      const graph = fromDocument(typed);
      const graphNodes = graph.nodes.map((n) => (selectedIds.current.has(n.id) ? { ...n, selected: true } : n));
      dispatch({
        type: 'replace',
        state: { nodes: graphNodes, edges: graph.edges, notes: (typed.notes ?? []).map(toNoteFlowNode), description: typed.description, parameters: typed.parameters },
      });
    },
    [dispatch],
  );
  const lastProblem = useRef<string>(undefined);
  const onTextProblem = useCallback(
    (text: string | undefined) => {
      if (text && text !== lastProblem.current) say({ tone: 'bad', text: `Not applied: ${text}` });
      lastProblem.current = text;
      setProblem(text);
    },
    [say],
  );

  const startResize = (e: ReactPointerEvent<HTMLDivElement>) => {
    const startX = e.clientX;
    const startWidth = width;
    const handle = e.currentTarget;
    handle.setPointerCapture(e.pointerId);
    const move = (ev: PointerEvent) => setWidth(clampWidth(startWidth + startX - ev.clientX));
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
  };

  const toggle = (
    <Button aria-pressed={open} onClick={() => setOpen((o) => !o)} title="Show the pipeline's millrace/v1 JSON beside the canvas">
      <Braces aria-hidden />
      Code
    </Button>
  );

  const pane = opened ? (
    <section
      aria-label="Pipeline code"
      hidden={!open}
      className={cn('relative min-h-0 shrink-0 flex-col border-l border-line bg-surface', open ? 'flex' : 'hidden')}
      style={{ width }}
    >
      <div
        role="separator"
        aria-orientation="vertical"
        aria-label="Width of the code pane"
        aria-valuenow={width}
        aria-valuemin={MIN_WIDTH}
        tabIndex={0}
        onPointerDown={startResize}
        onKeyDown={(e) => {
          if (e.key === 'ArrowLeft') setWidth((w) => clampWidth(w + 40));
          else if (e.key === 'ArrowRight') setWidth((w) => clampWidth(w - 40));
        }}
        className="absolute inset-y-0 -left-1 z-10 w-2 cursor-col-resize hover:bg-accent/30 focus-visible:bg-accent/40 focus-visible:outline-none"
      />
      <div className="flex h-10 shrink-0 items-center gap-2 border-b border-line px-3">
        <h2 className="text-sm font-semibold">Code</h2>
        <span className="text-xs text-fg-muted">millrace/v1 JSON · edits apply as you pause typing</span>
        <Button size="icon" variant="ghost" aria-label="Close the code pane" className="ml-auto" onClick={() => setOpen(false)}>
          <X aria-hidden />
        </Button>
      </div>
      <p role="status" className={cn('shrink-0 border-b px-3 py-1.5 text-xs', problem ? 'border-bad/30 bg-bad-soft text-bad-strong' : 'sr-only')}>
        {problem ? `Not applied: ${problem}` : 'The code and the canvas agree'}
      </p>
      <div className="min-h-0 flex-1">
        <DocumentCodeEditor document={document} errors={errors} onDocument={onDocument} onTextProblem={onTextProblem} />
      </div>
    </section>
  ) : null;

  return { toggle, pane };
}

function clampWidth(width: number): number {
  return Math.round(Math.min(Math.max(width, MIN_WIDTH), Math.max(MIN_WIDTH, window.innerWidth * 0.6)));
}
