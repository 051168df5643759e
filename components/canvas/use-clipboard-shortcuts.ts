'use client';

import { useEffect, useRef } from 'react';
import { fragmentOf, storedFragment, storeFragment } from './clipboard';
import type { EditorAction } from './editor-store';
import type { StepFlowEdge, StepFlowNode } from './graph-model';

const OFFSET = { x: 40, y: 40 };

/**
 * Ctrl+C copies the selected steps (with the edges between them), Ctrl+V pastes what was last copied in this
 * browser — in this pipeline or another — and Ctrl+D duplicates the selection; ⌘ on a Mac. Not while typing
 * in a field or the code editor.
 */
export function useClipboardShortcuts(
  graph: { nodes: readonly StepFlowNode[]; edges: readonly StepFlowEdge[] },
  dispatch: (action: EditorAction) => void,
  say: (text: string) => void,
) {
  const latest = useRef(graph);
  useEffect(() => {
    latest.current = graph;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
      const target = e.target as HTMLElement | null;
      if (target?.closest?.('input, textarea, select, [contenteditable="true"], .monaco-editor')) return;
      const key = e.key.toLowerCase();
      if (key !== 'c' && key !== 'v' && key !== 'd') return;
      const { nodes, edges } = latest.current;
      if (key === 'v') {
        const fragment = storedFragment();
        if (!fragment) return say('Nothing to paste: select steps and press Ctrl+C first');
        e.preventDefault();
        dispatch({ type: 'paste', fragment, offset: OFFSET });
        return say(`Pasted ${fragment.nodes.length} step${fragment.nodes.length === 1 ? '' : 's'}`);
      }
      const fragment = fragmentOf(nodes, edges);
      if (!fragment) return; // nothing selected: the browser's own copy (of selected text) goes on
      e.preventDefault();
      const n = `${fragment.nodes.length} step${fragment.nodes.length === 1 ? '' : 's'}`;
      if (key === 'c') {
        storeFragment(fragment);
        say(`Copied ${n}: paste with Ctrl+V, here or in another pipeline`);
      } else {
        dispatch({ type: 'paste', fragment, offset: OFFSET });
        say(`Duplicated ${n}`);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dispatch, say]);
}
