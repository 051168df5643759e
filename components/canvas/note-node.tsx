'use client';

import { NodeResizer, type NodeProps, type NodeTypes } from '@xyflow/react';
import { createContext, memo, useContext } from 'react';
import { NOTE_COLORS } from '../../workflows/core/document';
import { cn } from '../ui/cn';
import { DecorationsContext } from './decorations';
import type { NoteFlowNode } from './graph-model';
import { nodeTypes as stepNodeTypes } from './step-node';

/** What a note needs to change its own text; absent on read-only graphs. */
export const NoteEditContext = createContext<{ onText: (noteFlowId: string, text: string) => void } | undefined>(undefined);

const look: Record<(typeof NOTE_COLORS)[number], string> = {
  yellow: 'bg-[oklch(0.96_0.07_95)] border-[oklch(0.85_0.1_95)]',
  blue: 'bg-[oklch(0.95_0.04_240)] border-[oklch(0.83_0.07_240)]',
  green: 'bg-[oklch(0.95_0.05_150)] border-[oklch(0.83_0.08_150)]',
  pink: 'bg-[oklch(0.95_0.04_350)] border-[oklch(0.84_0.07_350)]',
};

function NoteNodeView({ id, data, selected }: NodeProps<NoteFlowNode>) {
  const { readOnly } = useContext(DecorationsContext);
  const edit = useContext(NoteEditContext);
  const name = id.replace(/^note:/, '');
  const editable = !readOnly && edit;
  return (
    <div
      className={cn(
        'flex h-full w-full flex-col rounded-md border p-2 pt-3 text-[13px] leading-5 text-fg shadow-(--shadow-card)',
        look[data.color ?? 'yellow'],
        selected && 'ring-2 ring-accent/40',
      )}
    >
      {editable && <NodeResizer isVisible={selected} minWidth={80} minHeight={40} lineClassName="!border-accent" handleClassName="!bg-accent" />}
      {editable ? (
        <textarea
          aria-label={`Text of note ${name}`}
          value={data.text}
          placeholder="Write a note…"
          maxLength={10000}
          onChange={(e) => edit.onText(id, e.target.value)}
          className="nodrag nowheel nopan h-full w-full flex-1 resize-none bg-transparent placeholder:text-fg-subtle focus:outline-none"
        />
      ) : (
        <p className="h-full overflow-hidden whitespace-pre-wrap">{data.text}</p>
      )}
    </div>
  );
}

export const NoteNode = memo(NoteNodeView);

/** Steps and notes: the node types of the editor's canvas and of the run graph. */
export const canvasNodeTypes = { ...stepNodeTypes, note: NoteNode } satisfies NodeTypes;
