import { contentHash } from './canonical-json';
import type { Plan } from './plan';

/**
 * What each step of a plan computes, independent of any run: its type and parameters and, recursively,
 * what feeds each of its inputs. Two plans' steps with equal keys compute the same thing from the same
 * sources, so a step of a new run may take the outputs the old run's step produced (fix and resume).
 */
export function reuseKeys(plan: Plan): Map<string, string> {
  const keys = new Map<string, string>();
  // Plan steps are in dependency order: every upstream key is known before it is needed.
  for (const step of plan.steps) {
    const inputs = Object.fromEntries(
      Object.entries(step.inputs).map(([port, ref]) => [port, `${keys.get(ref.node) ?? '?'}.${ref.port}`]),
    );
    keys.set(step.id, contentHash({ type: step.type, params: step.params, inputs }));
  }
  return keys;
}
