import { createContext } from 'react';
import type { CompileError } from '../../workflows/core/compiler';
import type { StepStatus } from '../../workflows/core/plan';

/** What the canvas draws on top of a node: validation problems and, on run views, live status. */
export interface NodeDecoration {
  errors: CompileError[];
  status?: StepStatus;
  /** One short line under the ports, e.g. "accuracy 0.97". */
  caption?: string;
  /** On a diff of two versions: how this step differs from the older one. */
  diff?: 'added' | 'removed' | 'changed';
}

export interface GraphDecorations {
  byNode: ReadonlyMap<string, NodeDecoration>;
  readOnly: boolean;
}

export const DecorationsContext = createContext<GraphDecorations>({ byNode: new Map(), readOnly: false });
