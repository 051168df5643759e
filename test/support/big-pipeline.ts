// A valid pipeline of any size for the editor's scale tests and benchmark: one dataset feeding parallel chains
// of de-duplicate steps (table in, table out, no required parameters), so it compiles and lays out in 2-D.

export interface BigPipelineNode {
  id: string;
  type: string;
  params: Record<string, unknown>;
  position?: { x: number; y: number };
}

export function bigPipeline(name: string, size: number, opts: { positions: boolean }) {
  const chains = Math.max(1, Math.round(Math.sqrt(size - 1)));
  const nodes: BigPipelineNode[] = [{ id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' } }];
  const edges: { from: string; to: string }[] = [];
  const previous: string[] = Array.from({ length: chains }, () => 'load');
  for (let i = 0; i < size - 1; i++) {
    const chain = i % chains;
    const id = `dedupe_${i + 1}`;
    nodes.push({ id, type: 'prepare.dedupe', params: {} });
    edges.push({ from: `${previous[chain]}.table`, to: `${id}.table` });
    previous[chain] = id;
  }
  if (opts.positions) {
    const depth = new Map<string, number>([['load', 0]]);
    for (const e of edges) depth.set(e.to.split('.')[0]!, depth.get(e.from.split('.')[0]!)! + 1);
    nodes.forEach((n, i) => {
      n.position = { x: depth.get(n.id)! * 290, y: n.id === 'load' ? 0 : ((i - 1) % chains) * 150 };
    });
  }
  return { apiVersion: 'millrace/v1', name, nodes, edges };
}
