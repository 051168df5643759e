import { Position, type NodeHandle } from '@xyflow/react';
import type { StepManifest } from '../../workflows/steps/catalog';

// Where a step card's ports sit before the browser has measured it, from the card's fixed layout in
// step-node.tsx: 1 px border, a 54 px header, a 1 px rule and 4 px padding, then one 24 px row per port with
// a 12 px handle centred on the card's edge. React Flow renders every node it has no handle positions for,
// only to measure it; with these, a big graph renders only the cards in view.

export const CARD_WIDTH = 232;
const BORDER = 1;
const HEADER = 54;
const PORTS_TOP = BORDER + HEADER + BORDER + 4;
const ROW = 24;
const HANDLE = 12;

export function stepCardGeometry(step: Pick<StepManifest, 'inputs' | 'outputs'> | undefined): { height: number; handles: NodeHandle[] } {
  const inputs = Object.keys(step?.inputs ?? {});
  const outputs = Object.keys(step?.outputs ?? {});
  const rows = Math.max(inputs.length, outputs.length);
  const handle = (id: string, i: number, type: 'source' | 'target'): NodeHandle => ({
    id,
    type,
    position: type === 'target' ? Position.Left : Position.Right,
    x: (type === 'target' ? BORDER : CARD_WIDTH - BORDER) - HANDLE / 2,
    y: PORTS_TOP + i * ROW + ROW / 2 - HANDLE / 2,
    width: HANDLE,
    height: HANDLE,
  });
  return {
    height: rows > 0 ? PORTS_TOP + rows * ROW + 4 + BORDER : BORDER + HEADER + BORDER,
    handles: [...inputs.map((id, i) => handle(id, i, 'target')), ...outputs.map((id, i) => handle(id, i, 'source'))],
  };
}
