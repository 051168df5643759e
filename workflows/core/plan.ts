import type { TableSchema } from './table-schema';

// The compiled, normalised pipeline the interpreter workflow executes. Plain data, versioned:
// old runs replay against the plan they started with.

export const PLAN_API_VERSION = 'millrace/plan/v1';

export interface PlanInputRef {
  node: string;
  port: string;
}

export interface PlanStep {
  id: string;
  type: string;
  /** Parameters after schema parsing: defaults filled in. */
  params: Record<string, unknown>;
  /** Input port → the upstream output that feeds it. */
  inputs: Record<string, PlanInputRef>;
  /** Input ports that may stay unconnected or unproduced. */
  optionalInputs: string[];
  outputs: string[];
  dependsOn: string[];
  queue: 'default' | 'fit';
  /** The columns each table output must have, as propagated at compile time (ports with a known schema only). */
  outputSchemas?: Record<string, TableSchema>;
  retry: { maximumAttempts: number; initialIntervalSeconds: number };
  timeoutSeconds: number;
  heartbeatSeconds: number;
  /** May reuse an earlier identical success (the step is cacheable and the node did not opt out). Absent = no. */
  cache?: true;
  /** control.approval: wait for a decision (workflows/engine/approval.ts). */
  approval?: ApprovalPlan;
}

export interface ApprovalPlan {
  /** Absent: wait as long as it takes. */
  timeoutSeconds?: number;
  onTimeout: 'approve' | 'reject';
  /** What the approver should check, shown beside Approve and Reject. */
  instructions?: string;
}

/** A person's (or the timeout's) answer to an approval step. */
export interface ApprovalDecision {
  decision: 'approve' | 'reject';
  comment?: string;
  /** Who decided: a user name, "anonymous", "api" or "timeout". */
  by: string;
  /** ISO time of the decision (workflow time). */
  at: string;
}

/** A decision as a person (or a script) sends it to a waiting run; `by` comes from the request. */
export interface ApprovalRequest {
  nodeId: string;
  decision: 'approve' | 'reject';
  comment?: string;
  by: string;
}

/** A step whose outputs are taken from an earlier run instead of running it (fix and resume). */
export interface ReusedStep {
  runId: string;
  outputs: Record<string, ArtifactRef>;
  summary?: Record<string, unknown>;
}

export interface Plan {
  apiVersion: typeof PLAN_API_VERSION;
  name: string;
  /** sha256 of the canonical plan content (name + steps). */
  hash: string;
  /** Steps in dependency order. */
  steps: PlanStep[];
}

/** What a step hands downstream: a reference, never rows. */
export interface ArtifactRef {
  kind: 'table' | 'model' | 'metrics' | 'report' | 'signal';
  /** Content hash in the artifact store; absent for signals. */
  hash?: string;
  meta?: Record<string, unknown>;
}

/** 'cancelled': the step was running when its run was cancelled; whatever it produced is discarded. */
export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** The Temporal activity id of a train step's fit (activity "fitModel"), so the web side can tell which step waits for a fitter. */
export const fitActivityIdOf = (nodeId: string) => `fit:${nodeId}`;

/** What a step activity returns. A gate that blocks returns outcome 'failed' without throwing. */
export interface StepResult {
  outcome: 'succeeded' | 'failed';
  outputs: Record<string, ArtifactRef>;
  summary: Record<string, unknown>;
  message?: string;
}

export interface StepInput {
  runId: string;
  pipeline: string;
  nodeId: string;
  type: string;
  params: Record<string, unknown>;
  inputs: Record<string, ArtifactRef>;
  /** From the plan: a table output whose columns differ fails the step. */
  expectedOutputs?: Record<string, TableSchema>;
  /** A fit step's second half: what the Python fit worker made (see workflows/engine/pipeline.ts). */
  fitted?: FitOutcome;
  /** An approval step: the decision it records. */
  approval?: ApprovalDecision;
  /** The step is cacheable: its success records a cache key (workflows/steps/kit/step-cache.ts). */
  cache?: true;
}

/**
 * What a fit step asks of the Python fit worker (workflows/ml/worker.py, activity "fitModel"): the spec
 * of workflows/ml/fit.py, whose field names it keeps, plus a label for log lines.
 */
export interface FitRequest {
  table: string;
  out_dir: string;
  algorithm: string;
  task: string;
  target: string;
  features: string[] | null;
  params: Record<string, unknown>;
  check_rows: number;
  label: string;
}

/** What the fit worker returns: where it wrote model.onnx and meta.json, and which attempt made them. */
export interface FitOutcome {
  outDir: string;
  onnxPath: string;
  metaPath: string;
  attempt: number;
  seconds: number;
}

/** The interpreter workflow's input: a versioned plan, so old runs replay after the code moves on. */
export interface PipelineWorkflowInput {
  runId: string;
  pipeline: string;
  plan: Plan;
  taskQueues: { default: string; fit: string };
  /** Steps run at once at most. */
  parallelism?: number;
  /** Run every step even where an identical earlier success could be reused. */
  ignoreCache?: boolean;
  /** Steps not to run: their outputs come from an earlier run (fix and resume). */
  reuse?: Record<string, ReusedStep>;
}

export interface StepProgress {
  nodeId: string;
  type: string;
  status: StepStatus;
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  error?: string;
  summary?: Record<string, unknown>;
  /** The run whose outputs this step reused (step cache or fix and resume). */
  cachedFrom?: string;
}

export interface RunProgress {
  status: RunStatus;
  steps: StepProgress[];
}
