import { describe, expect, it } from 'vitest';
import { layoutGraph, type LayoutBox, type LayoutPositions } from '../../components/canvas/auto-layout';

const box = (id: string, position?: { x: number; y: number }): LayoutBox => ({ id, width: 232, height: 114, position });

function overlaps(nodes: LayoutBox[], at: LayoutPositions): string[] {
  const placed = nodes.map((n) => ({ id: n.id, ...(at[n.id] ?? n.position!), w: n.width, h: n.height }));
  const hits: string[] = [];
  for (let i = 0; i < placed.length; i++) {
    for (let j = i + 1; j < placed.length; j++) {
      const a = placed[i]!;
      const b = placed[j]!;
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) hits.push(`${a.id}/${b.id}`);
    }
  }
  return hits;
}

describe('layoutGraph', () => {
  it('places every step of an unplaced graph left to right without overlaps', () => {
    const nodes = ['load', 'a1', 'a2', 'b1', 'b2'].map((id) => box(id));
    const edges = [
      { source: 'load', target: 'a1' },
      { source: 'a1', target: 'a2' },
      { source: 'load', target: 'b1' },
      { source: 'b1', target: 'b2' },
    ];
    const at = layoutGraph({ nodes, edges, all: false });
    expect(Object.keys(at).sort()).toEqual(['a1', 'a2', 'b1', 'b2', 'load']);
    for (const e of edges) expect(at[e.source]!.x).toBeLessThan(at[e.target]!.x);
    expect(overlaps(nodes, at)).toEqual([]);
  });

  it('leaves placed steps where they are and puts the others beside them, overlapping none', () => {
    const nodes = [box('load', { x: 500, y: 300 }), box('split'), box('train'), box('other', { x: 800, y: 300 })];
    const edges = [
      { source: 'load', target: 'split' },
      { source: 'split', target: 'train' },
    ];
    const at = layoutGraph({ nodes, edges, all: false });
    expect(Object.keys(at).sort()).toEqual(['split', 'train']);
    expect(at.split!.x).toBeGreaterThan(500);
    expect(overlaps(nodes, at)).toEqual([]);
  });

  it('lays out every step again when asked to (the Auto layout button)', () => {
    const nodes = [box('load', { x: 900, y: 0 }), box('split', { x: 0, y: 0 })];
    const at = layoutGraph({ nodes, edges: [{ source: 'load', target: 'split' }], all: true });
    expect(at.load!.x).toBeLessThan(at.split!.x);
  });

  it('ignores edges to steps that do not exist', () => {
    expect(Object.keys(layoutGraph({ nodes: [box('a')], edges: [{ source: 'a', target: 'ghost' }], all: true }))).toEqual(['a']);
  });
});
