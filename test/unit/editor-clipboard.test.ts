import { describe, expect, it } from 'vitest';
import { freshCopyId, pastedNodes, type Fragment } from '../../components/canvas/clipboard';

describe('pasting copied steps', () => {
  it('gives each step a free id like its own and renames the edges between them alike', () => {
    expect(freshCopyId('split', new Set())).toBe('split');
    expect(freshCopyId('split', new Set(['split']))).toBe('split_2');
    expect(freshCopyId('split_2', new Set(['split', 'split_2']))).toBe('split_3');
    const fragment: Fragment = {
      millrace: 'fragment/v1',
      nodes: [
        { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' }, position: { x: 0, y: 0 } },
        { id: 'split', type: 'prepare.split', params: { seed: 3 }, position: { x: 280, y: 0 } },
      ],
      edges: [{ from: 'load.table', to: 'split.table' }],
    };
    const { nodes, edges } = pastedNodes(fragment, new Set(['load', 'split', 'train']), { x: 40, y: 40 });
    expect(nodes.map((n) => [n.id, n.position, n.selected, n.data.params])).toEqual([
      ['load_2', { x: 40, y: 40 }, true, { dataset: 'penguins' }],
      ['split_2', { x: 320, y: 40 }, true, { seed: 3 }],
    ]);
    expect(edges.map((e) => [e.source, e.sourceHandle, e.target, e.targetHandle])).toEqual([['load_2', 'table', 'split_2', 'table']]);
  });
});
