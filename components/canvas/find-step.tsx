'use client';

import { Search } from 'lucide-react';
import { useEffect, useId, useRef, useState } from 'react';
import type { StepFlowNode } from './graph-model';

/**
 * "Find a step" over the canvas: type part of a step's id, label or type, pick it from the list (or press
 * Enter for the first match) and the canvas selects it and brings it into view. Ctrl+F (⌘F) focuses it.
 */
export function FindStep({ nodes, onFind }: { nodes: readonly StepFlowNode[]; onFind: (nodeId: string) => void }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [missing, setMissing] = useState(false);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as Element | null)?.closest?.('.monaco-editor')) return; // the code editor's own find
      if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        input.current?.focus();
        input.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const matchOf = (query: string) => {
    const q = query.trim().toLowerCase();
    if (!q) return undefined;
    const exact = nodes.find((n) => n.id.toLowerCase() === q || n.data.label?.toLowerCase() === q);
    return exact ?? nodes.find((n) => [n.id, n.data.label ?? '', n.data.stepType].some((s) => s.toLowerCase().includes(q)));
  };
  const find = (query: string) => {
    const hit = matchOf(query);
    setMissing(!hit);
    if (hit) onFind(hit.id);
  };

  if (nodes.length === 0) return null;
  return (
    <form
      role="search"
      aria-label="Find a step"
      className="pointer-events-auto absolute top-3 left-3 z-10 flex items-center gap-1.5 rounded-lg border border-line bg-surface/95 px-2 py-1 shadow-sm"
      onSubmit={(e) => {
        e.preventDefault();
        find(text);
      }}
    >
      <Search aria-hidden className="size-3.5 text-fg-muted" />
      <label htmlFor={`${id}-find`} className="sr-only">
        Find a step
      </label>
      <input
        ref={input}
        id={`${id}-find`}
        list={`${id}-steps`}
        value={text}
        placeholder="Find a step (Ctrl+F)"
        aria-invalid={missing}
        aria-describedby={missing ? `${id}-missing` : undefined}
        onChange={(e) => {
          setText(e.target.value);
          setMissing(false);
          // Picking from the list fills in an exact id: go there at once.
          if (nodes.some((n) => n.id === e.target.value)) find(e.target.value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            setText('');
            setMissing(false);
            input.current?.blur();
          }
        }}
        className="h-6 w-44 bg-transparent text-xs placeholder:text-fg-subtle focus:outline-none"
      />
      <datalist id={`${id}-steps`}>
        {nodes.map((n) => (
          <option key={n.id} value={n.id}>
            {n.data.label ? `${n.data.label} · ${n.data.stepType}` : n.data.stepType}
          </option>
        ))}
      </datalist>
      {missing && (
        <span id={`${id}-missing`} role="status" className="text-xs text-bad-strong">
          No step matches
        </span>
      )}
    </form>
  );
}
