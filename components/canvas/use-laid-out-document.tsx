'use client';

import { useEffect, useState } from 'react';
import type { PipelineDocument } from '../../workflows/core/document';
import { documentLayoutRequest, layoutInWorker } from './layout-client';

/**
 * The document with a position for every step: as given when all have one, else once the layout worker has
 * placed the others (undefined meanwhile). Where the layout fails, steps keep the editor's grid fallback.
 * `view` names what the editor shows (pipeline and version): a refetch that brings a changed document for
 * the same view keeps the previous layout meanwhile, so an open editor is never unmounted by it.
 */
export function useLaidOutDocument(doc: PipelineDocument | undefined, view: string): PipelineDocument | undefined {
  const complete = !doc || doc.nodes.every((n) => n.position);
  const [laidOut, setLaidOut] = useState<{ from: PipelineDocument; view: string; doc: PipelineDocument }>();

  useEffect(() => {
    if (!doc || complete) return;
    let current = true;
    void withPositions(doc).then((placed) => {
      if (current) setLaidOut({ from: doc, view, doc: placed });
    });
    return () => {
      current = false;
    };
  }, [doc, complete, view]);

  if (complete) return doc;
  return laidOut?.from === doc || laidOut?.view === view ? laidOut.doc : undefined;
}

/** The document with every step placed by the layout worker where it had no position (as it was on failure). */
export async function withPositions(doc: PipelineDocument): Promise<PipelineDocument> {
  if (doc.nodes.every((n) => n.position)) return doc;
  try {
    const positions = await layoutInWorker(documentLayoutRequest(doc));
    return { ...doc, nodes: doc.nodes.map((n) => (n.position ? n : { ...n, position: positions[n.id] })) };
  } catch {
    return doc;
  }
}

/** What the editor shows while the layout worker places the steps. */
export function LayingOut() {
  return (
    <div role="status" aria-label="Laying out…" className="flex min-h-0 flex-1 items-center justify-center text-sm text-fg-muted">
      Laying out…
    </div>
  );
}
