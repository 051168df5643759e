'use client';

import { createContext, useCallback, useContext, useLayoutEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { DecorationsContext, type GraphDecorations, type NodeDecoration } from './decorations';

// Decorations handed to each node through a store rather than a context value, so a new set of decorations
// (a compile, a run status poll) re-renders only the nodes whose own decoration changed — with 1,000 steps,
// one edit must not re-render them all. Pages that still provide DecorationsContext keep working.

interface NodeEntry {
  decoration: NodeDecoration | undefined;
  readOnly: boolean;
}

class DecorationStore {
  private entries = new Map<string, NodeEntry>();
  private keys = new Map<string, string>();
  private listeners = new Map<string, Set<() => void>>();
  private readOnly: boolean;

  constructor(initial: GraphDecorations) {
    this.readOnly = initial.readOnly;
    this.set(initial);
  }

  /** Takes the new decorations; returns the ids whose entry changed. */
  private set(next: GraphDecorations): Set<string> {
    const changed = new Set<string>();
    const readOnlyChanged = next.readOnly !== this.readOnly;
    this.readOnly = next.readOnly;
    for (const id of new Set([...this.keys.keys(), ...next.byNode.keys()])) {
      const decoration = next.byNode.get(id);
      const key = decoration ? JSON.stringify(decoration) : '';
      if (!readOnlyChanged && this.keys.get(id) === key && this.entries.has(id)) continue;
      if (key) this.keys.set(id, key);
      else this.keys.delete(id);
      this.entries.set(id, { decoration, readOnly: next.readOnly });
      changed.add(id);
    }
    if (readOnlyChanged) for (const id of this.listeners.keys()) changed.add(id);
    return changed;
  }

  update(next: GraphDecorations) {
    for (const id of this.set(next)) for (const fn of this.listeners.get(id) ?? []) fn();
  }

  get(id: string): NodeEntry {
    let entry = this.entries.get(id);
    if (!entry) {
      entry = { decoration: undefined, readOnly: this.readOnly };
      this.entries.set(id, entry);
    }
    return entry;
  }

  subscribe(id: string, fn: () => void): () => void {
    const set = this.listeners.get(id) ?? new Set();
    set.add(fn);
    this.listeners.set(id, set);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.listeners.delete(id);
    };
  }
}

const DecorationStoreContext = createContext<DecorationStore | null>(null);

/** Provides decorations to the step nodes below, each node re-rendering only when its own changes. */
export function DecorationsProvider({ value, children }: { value: GraphDecorations; children: ReactNode }) {
  const [store] = useState(() => new DecorationStore(value));
  useLayoutEffect(() => store.update(value), [store, value]);
  return <DecorationStoreContext.Provider value={store}>{children}</DecorationStoreContext.Provider>;
}

const noSubscription = () => () => {};

/** The decoration of one node and whether the canvas is read-only. */
export function useNodeDecoration(id: string): NodeEntry {
  const store = useContext(DecorationStoreContext);
  const legacy = useContext(DecorationsContext);
  const subscribe = useCallback((fn: () => void) => (store ? store.subscribe(id, fn) : () => {}), [store, id]);
  const entry = useSyncExternalStore(store ? subscribe : noSubscription, () => store?.get(id), () => store?.get(id));
  return entry ?? { decoration: legacy.byNode.get(id), readOnly: legacy.readOnly };
}
