// Whether a finished run deployed what its deploy steps were there to deploy. A run whose gate refused the
// model ends "succeeded" (the gate did its job), so the run page, the lists and `millrace run --wait
// --fail-on-gate` need this said separately.

export interface NotDeployed {
  /** The deploy step that did not promote. */
  nodeId: string;
  /** `gate` when a failed gate stopped it; `declined` when the step itself chose not to promote (an older
   * run, a model no better than the served one); `skipped` when an upstream step failed otherwise. */
  cause: 'gate' | 'declined' | 'skipped';
  /** For people: "gate failed", or the step's own reason. */
  reason: string;
}

interface StepLike {
  nodeId: string;
  type: string;
  status: string;
  summary?: Record<string, unknown> | null;
}

export const GATE_BLOCKED_TEXT = 'not deployed: gate failed';

export function notDeployedOf(steps: readonly StepLike[]): NotDeployed[] {
  const failedGates = steps.filter((s) => s.type === 'validate.gate' && s.status === 'failed').map((s) => s.nodeId);
  const out: NotDeployed[] = [];
  for (const s of steps) {
    if (s.type !== 'deploy.endpoint') continue;
    if (s.status === 'skipped') {
      out.push(
        failedGates.length
          ? { nodeId: s.nodeId, cause: 'gate', reason: `gate failed (${failedGates.map((g) => `"${g}"`).join(', ')})` }
          : { nodeId: s.nodeId, cause: 'skipped', reason: 'an upstream step failed' },
      );
    } else if (s.status === 'succeeded' && typeof s.summary?.skipped === 'string') {
      out.push({ nodeId: s.nodeId, cause: 'declined', reason: s.summary.skipped });
    }
  }
  return out;
}
