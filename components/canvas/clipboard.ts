import { z } from 'zod';
import { edgeSchema, nodeSchema, NODE_ID, parseEndpoint, type PipelineEdge, type PipelineNode } from '../../workflows/core/document';
import { toDocument, toFlowEdge, toFlowNode, type StepFlowEdge, type StepFlowNode } from './graph-model';

// Copy and paste of steps, within a pipeline and across pipelines: a copy is a fragment of a millrace/v1
// document (the selected steps and the edges between them), kept in this browser's storage so that any
// pipeline opened in it can paste it, and offered to the system clipboard as JSON text.

export const fragmentSchema = z.strictObject({
  millrace: z.literal('fragment/v1'),
  nodes: z.array(nodeSchema).min(1).max(500),
  edges: z.array(edgeSchema).max(2000),
});
export type Fragment = z.output<typeof fragmentSchema>;

const STORAGE_KEY = 'millrace:clipboard';

/** The selected steps and the edges between them; undefined when nothing is selected. */
export function fragmentOf(nodes: readonly StepFlowNode[], edges: readonly StepFlowEdge[]): Fragment | undefined {
  const picked = nodes.filter((n) => n.selected);
  if (picked.length === 0) return undefined;
  const ids = new Set(picked.map((n) => n.id));
  const doc = toDocument({ name: 'fragment' }, picked, edges.filter((e) => ids.has(e.source) && ids.has(e.target)));
  return { millrace: 'fragment/v1', nodes: doc.nodes, edges: doc.edges };
}

/** An id like the copied one that is not taken: "split" → "split_2", "split_2" → "split_3". */
export function freshCopyId(id: string, taken: ReadonlySet<string>): string {
  const base = id.replace(/_\d+$/, '');
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base}_${i}`.slice(0, 64);
    if (!taken.has(candidate) && NODE_ID.test(candidate)) return candidate;
  }
}

/**
 * The fragment's steps as new nodes (fresh ids, moved by `offset`, selected) and its edges between them,
 * renamed alike.
 */
export function pastedNodes(fragment: Fragment, taken: ReadonlySet<string>, offset: { x: number; y: number }): { nodes: StepFlowNode[]; edges: StepFlowEdge[] } {
  const used = new Set(taken);
  const rename = new Map<string, string>();
  const nodes = fragment.nodes.map((n: PipelineNode, i) => {
    const id = freshCopyId(n.id, used);
    used.add(id);
    rename.set(n.id, id);
    const p = n.position ?? { x: 0, y: 0 };
    return { ...toFlowNode({ ...n, id, position: { x: p.x + offset.x, y: p.y + offset.y } }, i), selected: true };
  });
  const edges = fragment.edges.flatMap((e: PipelineEdge) => {
    const from = parseEndpoint(e.from);
    const to = parseEndpoint(e.to);
    if (!from || !to || !rename.has(from.node) || !rename.has(to.node)) return [];
    return toFlowEdge(`${rename.get(from.node)}.${from.port}`, `${rename.get(to.node)}.${to.port}`) ?? [];
  });
  return { nodes, edges };
}

export function storeFragment(fragment: Fragment): void {
  const text = JSON.stringify(fragment);
  try {
    localStorage.setItem(STORAGE_KEY, text);
  } catch {
    // storage full or refused: the system clipboard may still take it
  }
  void navigator.clipboard?.writeText(text).catch(() => {});
}

/** What was last copied in this browser, if it is a fragment. */
export function storedFragment(): Fragment | undefined {
  try {
    const text = localStorage.getItem(STORAGE_KEY);
    if (!text) return undefined;
    const parsed = fragmentSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
