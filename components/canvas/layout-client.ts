import { parseEndpoint, type PipelineDocument } from '../../workflows/core/document';
import { layoutGraph, type LayoutBox, type LayoutPositions, type LayoutRequest } from './auto-layout';
import { NODE_WIDTH, stepsByType, type StepFlowEdge, type StepFlowNode } from './graph-model';
import { stepCardGeometry } from './node-geometry';

// The editor's side of the layout worker: boxes sized like the cards, one worker reused for every request.

let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, { resolve: (p: LayoutPositions) => void; reject: (e: Error) => void }>();

function layoutWorker(): Worker | undefined {
  if (typeof Worker === 'undefined') return undefined;
  if (!worker) {
    worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module', name: 'layout' });
    worker.onmessage = (event: MessageEvent<{ id: number; positions?: LayoutPositions; error?: string }>) => {
      const pending = waiting.get(event.data.id);
      waiting.delete(event.data.id);
      if (event.data.positions) pending?.resolve(event.data.positions);
      else pending?.reject(new Error(event.data.error ?? 'layout failed'));
    };
  }
  return worker;
}

/** Positions from the layout worker (or computed here where there are no workers). */
export function layoutInWorker(request: LayoutRequest): Promise<LayoutPositions> {
  const w = layoutWorker();
  if (!w) return Promise.resolve(layoutGraph(request));
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    w.postMessage({ id, request });
  });
}

/** A step card's height before it is measured: its header plus one row per port on its longer side. */
export function estimatedHeight(stepType: string): number {
  return stepCardGeometry(stepsByType.get(stepType)).height;
}

export function layoutRequestOf(nodes: readonly StepFlowNode[], edges: readonly StepFlowEdge[]): LayoutRequest {
  return {
    nodes: nodes.map((n) => ({ id: n.id, width: n.measured?.width ?? NODE_WIDTH, height: n.measured?.height ?? estimatedHeight(n.data.stepType) })),
    edges: edges.map((e) => ({ source: e.source, target: e.target })),
    all: true,
  };
}

export function documentLayoutRequest(doc: PipelineDocument): LayoutRequest {
  return {
    nodes: doc.nodes.map((n): LayoutBox => ({ id: n.id, width: NODE_WIDTH, height: estimatedHeight(n.type), position: n.position })),
    edges: doc.edges.flatMap((e) => {
      const source = parseEndpoint(e.from);
      const target = parseEndpoint(e.to);
      return source && target ? [{ source: source.node, target: target.node }] : [];
    }),
    all: false,
  };
}
