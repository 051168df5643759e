import type { Plan } from './plan';

// "Preview up to here": the part of a plan one step needs, so a run computes that step's outputs and
// nothing downstream of it. A preview must not act on the world, so steps that do are refused by name.

/** Step types that act on the world (deploy, trigger, alert, wait for a person): never part of a preview. */
export const ACTING_STEP_TYPES: Record<string, string> = {
  'deploy.endpoint': 'deploys a model',
  'deploy.batch_score': 'scores with a deployed model',
  'control.trigger_pipeline': 'starts another pipeline',
  'control.approval': 'waits for a person',
  'monitor.alert': 'sends alerts',
};

export type ScopeResult = { ok: true; plan: Plan } | { ok: false; message: string };

/** The plan cut down to `nodeId` and every step it depends on, transitively; order kept. */
export function planUpTo(plan: Plan, nodeId: string): ScopeResult {
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  if (!byId.has(nodeId)) return { ok: false, message: `There is no step "${nodeId}" in this pipeline version: save the pipeline first` };
  const keep = new Set<string>();
  const visit = (id: string) => {
    if (keep.has(id)) return;
    keep.add(id);
    for (const d of byId.get(id)?.dependsOn ?? []) visit(d);
  };
  visit(nodeId);
  const steps = plan.steps.filter((s) => keep.has(s.id));
  const acting = steps.find((s) => ACTING_STEP_TYPES[s.type]);
  if (acting) {
    const what = ACTING_STEP_TYPES[acting.type];
    return {
      ok: false,
      message:
        acting.id === nodeId
          ? `Cannot preview up to "${nodeId}": it ${what}, and a preview never acts outside the run. Preview the step that feeds it instead`
          : `Cannot preview up to "${nodeId}": it depends on "${acting.id}", which ${what}, and a preview never acts outside the run`,
    };
  }
  return { ok: true, plan: { ...plan, steps } };
}
