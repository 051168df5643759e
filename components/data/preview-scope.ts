import type { PipelineDocument } from '../../workflows/core/document';

const cache = new WeakMap<PipelineDocument, { key: string; document: PipelineDocument }>();

/**
 * The part of a document a preview run ran: its steps and the edges between them (the rest never ran).
 * The same document and steps give the same object, so a graph drawn from it is not rebuilt on every poll.
 */
export function documentOfPreview(document: PipelineDocument, stepIds: readonly string[]): PipelineDocument {
  const key = [...stepIds].sort().join('\n');
  const cached = cache.get(document);
  if (cached?.key === key) return cached.document;
  const ran = new Set(stepIds);
  const nodeOf = (ref: string) => ref.slice(0, ref.lastIndexOf('.'));
  const scoped = {
    ...document,
    nodes: document.nodes.filter((n) => ran.has(n.id)),
    edges: document.edges.filter((e) => ran.has(nodeOf(e.from)) && ran.has(nodeOf(e.to))),
  };
  cache.set(document, { key, document: scoped });
  return scoped;
}
