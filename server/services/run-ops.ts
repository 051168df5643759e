import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { asc, eq } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { approvals, pipelines, pipelineVersions, runs } from '../../db/schema';
import type { ApprovalDecision, ApprovalRequest } from '../../workflows/core/plan';
import { getPipelineVersionRow } from '../infra/pipeline-store';
import { catalog } from '../../workflows/steps/catalog';
import { ServiceError, notFound } from '../infra/errors';
import { createRun, workflowIdOf, type CreateRunResult } from '../infra/run-start';
import { assertResumable, reusableSteps } from '../infra/run-reuse';
import { temporalClient } from '../temporal';
import { runOfThisWorkspace } from './run-scope';

// Run operations beyond start and cancel: fix and resume a failed run, decide an approval step.

async function runRow(runId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(runId)) throw notFound(`Run "${runId}"`);
  const [row] = await getDb()
    .select({ status: runs.status, pipeline: pipelines.name, params: runs.params, previewUpTo: runs.previewUpTo })
    .from(runs)
    .innerJoin(pipelineVersions, eq(pipelineVersions.id, runs.pipelineVersionId))
    .innerJoin(pipelines, eq(pipelines.id, pipelineVersions.pipelineId))
    .where(runOfThisWorkspace(runId));
  if (!row) throw notFound(`Run "${runId}"`);
  return row;
}

/**
 * Starts a new run of the pipeline (its newest version, or `version`) that takes from the failed run the
 * outputs of every step that succeeded there and is unchanged, so it resumes at the failed step.
 */
export async function resumeRun(runId: string, opts: { version?: number } = {}): Promise<CreateRunResult> {
  const old = await runRow(runId);
  assertResumable(old.status, runId);
  return createRun(catalog, old.pipeline, {
    version: opts.version,
    // The values the failed run had (for the parameters the fixed version still declares): steps that use
    // them compute the same as before and can be reused.
    params: await carriedParams(old.pipeline, opts.version, (old.params as Record<string, unknown> | null) ?? {}),
    trigger: 'resume',
    resume: { runId, reuse: (plan) => reusableSteps(runId, plan) },
    // A resumed preview stays a preview of the same step.
    ...(old.previewUpTo ? { upTo: old.previewUpTo } : {}),
  });
}

async function carriedParams(pipeline: string, version: number | undefined, values: Record<string, unknown>) {
  const declared = new Set(((await getPipelineVersionRow(pipeline, version)).document.parameters ?? []).map((p) => p.name));
  return Object.fromEntries(Object.entries(values).filter(([name]) => declared.has(name)));
}

/** Hands a decision to the run waiting at approval step `nodeId`; the run records it (who, when, comment). */
export async function decideApproval(runId: string, request: ApprovalRequest): Promise<ApprovalDecision> {
  const run = await runRow(runId);
  if (run.status !== 'running' && run.status !== 'queued') {
    throw new ServiceError('conflict', `Run ${runId} is ${run.status}: it waits for no decision`);
  }
  const client = await temporalClient().catch((err: Error) => {
    throw new ServiceError('unavailable', `Temporal is not reachable: ${err.message}`);
  });
  try {
    return await client.workflow.getHandle(workflowIdOf(runId)).executeUpdate<ApprovalDecision, [ApprovalRequest]>('approval', { args: [request] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new ServiceError('conflict', (err.cause as Error | undefined)?.message ?? err.message);
    if (err instanceof WorkflowNotFoundError) throw new ServiceError('conflict', `Run ${runId} has ended: it waits for no decision`);
    throw err;
  }
}

/** The decisions taken on a run's approval steps, and the runs that resumed it. */
export async function runOperations(runId: string) {
  const db = getDb();
  const [decisions, resumedBy] = await Promise.all([
    db
      .select({ nodeId: approvals.nodeId, decision: approvals.decision, comment: approvals.comment, by: approvals.decidedBy, at: approvals.decidedAt })
      .from(approvals)
      .where(eq(approvals.runId, runId))
      .orderBy(asc(approvals.decidedAt)),
    db.select({ runId: runs.id, status: runs.status, createdAt: runs.createdAt }).from(runs).where(eq(runs.rerunOf, runId)).orderBy(asc(runs.createdAt)),
  ]);
  return { approvals: decisions.map((d) => ({ ...d, comment: d.comment ?? undefined })), resumedBy };
}
