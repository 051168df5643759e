'use client';

import { useId } from 'react';
import { connectionProblem, stepsByType, type StepFlowEdge, type StepFlowNode } from './graph-model';

/**
 * Wiring without a mouse: for each input of the selected step, a list of the outputs that could feed it
 * (same port type, another step). Choosing one connects it, replacing what was there; "Not connected" cuts it.
 */
export function ConnectInputs({
  node,
  nodes,
  edges,
  onConnect,
  onDisconnect,
}: {
  node: StepFlowNode;
  nodes: readonly StepFlowNode[];
  edges: readonly StepFlowEdge[];
  onConnect: (connection: { source: string; sourceHandle: string; target: string; targetHandle: string }) => void;
  onDisconnect: (edgeId: string) => void;
}) {
  const id = useId();
  const step = stepsByType.get(node.data.stepType);
  const inputs = Object.entries(step?.inputs ?? {});
  if (inputs.length === 0) return null;
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`} className="mb-2 text-[11px] font-semibold tracking-wider text-fg-subtle uppercase">
        Connections
      </h3>
      <div className="space-y-2">
        {inputs.map(([port, spec]) => {
          const current = edges.find((e) => e.target === node.id && e.targetHandle === port);
          const others = current ? edges.filter((e) => e !== current) : edges;
          const candidates = nodes.flatMap((n) =>
            Object.keys(stepsByType.get(n.data.stepType)?.outputs ?? {}).flatMap((out) =>
              connectionProblem({ source: n.id, sourceHandle: out, target: node.id, targetHandle: port }, nodes, others)
                ? []
                : [`${n.id}.${out}`],
            ),
          );
          const value = current ? `${current.source}.${current.sourceHandle}` : '';
          return (
            <div key={port} className="grid grid-cols-[7rem_1fr] items-center gap-2">
              <label htmlFor={`${id}-${port}`} className="truncate text-xs text-fg">
                {spec.title}
              </label>
              <select
                id={`${id}-${port}`}
                aria-label={`Connect input ${spec.title}`}
                value={value}
                onChange={(e) => {
                  const picked = e.target.value;
                  if (current) onDisconnect(current.id);
                  if (!picked) return;
                  const dot = picked.lastIndexOf('.');
                  onConnect({ source: picked.slice(0, dot), sourceHandle: picked.slice(dot + 1), target: node.id, targetHandle: port });
                }}
                className="h-8 min-w-0 rounded-md border border-line-strong bg-surface px-2 font-mono text-xs text-fg focus:border-accent focus:ring-2 focus:ring-accent/20 focus:outline-none"
              >
                <option value="">Not connected</option>
                {value && !candidates.includes(value) && <option value={value}>{value}</option>}
                {candidates.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </div>
          );
        })}
      </div>
    </section>
  );
}
