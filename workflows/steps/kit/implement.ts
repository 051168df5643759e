import { mkdirSync, mkdtempSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { and, eq, sql } from 'drizzle-orm';
import { getDb } from '../../../db/client';
import { artifactLinks, artifacts, runSteps } from '../../../db/schema';
import { mergeArtifactMeta } from '../../../server/infra/artifact-store';
import { withQueriesCancelledBy } from '../../../server/infra/duckdb';
import { config } from '../../../server/infra/config';
import { ServiceError } from '../../../server/infra/errors';
import { withRunWorkspace } from '../../../server/infra/workspace';
import type { ApprovalDecision, ArtifactRef, FitOutcome, StepInput, StepResult } from '../../core/plan';
import type { ParamsOf, PortSpec, StepDefinition } from '../../core/step';
import { schemaDifference, type TableSchema } from '../../core/table-schema';
import { stepCacheKey } from './step-cache';
import { StepLog, type LogLevel } from './step-log';
import { StepInputError } from './step-error';
import { takeUnrecordedArtifacts } from './table-io';

export interface StepContext {
  runId: string;
  pipeline: string;
  nodeId: string;
  /** A private folder for the step's temporary files; removed afterwards. */
  scratchDir: string;
  /** Cancelled when Temporal cancels the activity or its heartbeat times out. */
  signal: AbortSignal;
  /** Reports progress: a line of the step's log (run_step_logs), also kept in the heartbeat details. */
  progress(message: string): void;
  /** A line of the step's log that is not progress (a warning, a decision). */
  log(level: LogLevel, message: string): void;
}

export type Refs<P extends Record<string, PortSpec>> = { [K in keyof P]: P[K]['optional'] extends true ? ArtifactRef | undefined : ArtifactRef };

export interface StepOutcome<D extends StepDefinition> {
  outcome?: 'succeeded' | 'failed';
  outputs: Partial<Record<keyof D['outputs'], ArtifactRef>>;
  summary: Record<string, unknown>;
  message?: string;
}

export type StepActivity = (input: StepInput) => Promise<StepResult>;

const HEARTBEAT_MS = 2000;

/** A table output must have the columns the plan promised downstream steps at design time. */
function checkOutputSchemas(def: StepDefinition, nodeId: string, outputs: Record<string, ArtifactRef>, expected?: Record<string, TableSchema>) {
  for (const [port, schema] of Object.entries(expected ?? {})) {
    const columns = outputs[port]?.meta?.columns as TableSchema | undefined;
    if (!columns) continue;
    const diff = schemaDifference(schema, columns);
    if (diff) {
      throw new StepInputError(
        `Output "${port}" of "${nodeId}" (${def.title}) does not match the schema the pipeline was compiled with: ${diff}. ` +
          'The data changed since the pipeline was saved; open it in the editor to see what moved.',
      );
    }
  }
}

/** The Python fit worker's result, when this call is the second half of a fit step; an approval step's decision. */
export interface FitPhase {
  fitted?: FitOutcome;
  /** Settles once the step's row says "running": wait for it before writing that row yourself. */
  markedRunning: Promise<void>;
  approval?: ApprovalDecision;
}

/**
 * The frame every step activity (and the first half of a fit step, workflows/steps/kit/train.ts) runs
 * in: mirrors status to Postgres, heartbeats, validates parameters and inputs, gives a scratch folder,
 * and turns input problems into non-retryable failures.
 */
export async function inStep<D extends StepDefinition, T>(
  def: D,
  input: StepInput,
  body: (args: { params: ParamsOf<D>; inputs: Refs<D['inputs']>; ctx: StepContext & FitPhase }) => Promise<T>,
): Promise<T> {
  // A step runs outside any request: it works in its run's workspace, so the models, datasets and
  // endpoints it writes land there.
  return withRunWorkspace(input.runId, () => inRunStep(def, input, body));
}

async function inRunStep<D extends StepDefinition, T>(
  def: D,
  input: StepInput,
  body: (args: { params: ParamsOf<D>; inputs: Refs<D['inputs']>; ctx: StepContext & FitPhase }) => Promise<T>,
): Promise<T> {
  const activity = Context.current();
  const { runId, nodeId, fitted } = input;
  const attempt = activity.info.attempt;
  const db = getDb();
  // Marked running while the step gets going (not before): the update is awaited before anything else
  // writes the step's row, so it can never land after the step's outcome.
  const markedRunning = db
    .update(runSteps)
    .set({
      status: 'running',
      // The second half of a fit step counts the fit's retries as executions of the step (the first
      // half counted the first); its own retries count one each.
      attempts: fitted ? sql`greatest(${runSteps.attempts}, ${fitted.attempt}, ${attempt})` : attempt,
      executions: sql`${runSteps.executions} + ${fitted ? (attempt === 1 ? fitted.attempt - 1 : 1) : 1}`,
      startedAt: sql`coalesce(${runSteps.startedAt}, now())`,
      error: null,
    })
    .where(and(eq(runSteps.runId, runId), eq(runSteps.nodeId, nodeId)))
    .then(() => undefined);

  // A fit step's second half logs under the attempt its fit reached.
  const log = new StepLog({ runId, nodeId, attempt: fitted ? Math.max(fitted.attempt, attempt) : attempt });
  if (attempt > 1) log.line('warn', `Attempt ${attempt} started after a failed attempt`);
  let lastProgress = '';
  const beat = setInterval(() => activity.heartbeat(lastProgress), HEARTBEAT_MS);
  // Made on first use: most steps write a file there, some (a fit's second half, a gate) never do.
  let scratchDir: string | undefined;
  try {
    const params = def.params.safeParse(input.params);
    if (!params.success) {
      const detail = params.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ');
      throw new StepInputError(`Invalid parameters: ${detail}`);
    }
    for (const [name, spec] of Object.entries(def.inputs)) {
      if (!spec.optional && !input.inputs[name]) throw new StepInputError(`Input "${name}" was not provided`);
    }
    const ctx: StepContext & FitPhase = {
      runId,
      pipeline: input.pipeline,
      nodeId,
      get scratchDir() {
        // Under the data folder, by run: what a killed worker leaves behind goes when its run ends
        // (workflows/steps/kit/bookkeeping.ts).
        if (!scratchDir) {
          const runDir = path.join(config().tmpDir, 'steps', runId);
          mkdirSync(runDir, { recursive: true });
          scratchDir = mkdtempSync(path.join(runDir, `${nodeId}-`));
        }
        return scratchDir;
      },
      markedRunning,
      signal: activity.cancellationSignal,
      progress(message) {
        lastProgress = message;
        activity.heartbeat(message);
        console.log(`[${input.pipeline}/${runId.slice(0, 8)}/${nodeId}] ${message}`);
        log.line('info', message);
      },
      log: (level, message) => log.line(level, message),
      fitted,
      approval: input.approval,
    };
    // A cancelled step answers at once (the run waits for that answer) and its DuckDB queries stop; work
    // that cannot be interrupted finishes in the background but writes nothing that counts (see implement).
    const result = await withQueriesCancelledBy(activity.cancellationSignal, () =>
      Promise.race([body({ params: params.data as ParamsOf<D>, inputs: input.inputs as Refs<D['inputs']>, ctx }), activity.cancelled]),
    );
    await markedRunning;
    return result;
  } catch (err) {
    if (activity.cancellationSignal.aborted) throw err instanceof CancelledFailure ? err : new CancelledFailure('Step cancelled');
    const message = err instanceof Error ? err.message : String(err);
    log.line('error', `Attempt ${attempt} failed: ${message}`);
    await markedRunning.catch(() => {});
    await db
      .update(runSteps)
      .set({ error: message })
      .where(and(eq(runSteps.runId, runId), eq(runSteps.nodeId, nodeId)))
      .catch(() => {});
    if (err instanceof StepInputError || (err instanceof ServiceError && err.code !== 'unavailable')) {
      throw ApplicationFailure.nonRetryable(message, 'StepInputError');
    }
    throw err;
  } finally {
    clearInterval(beat);
    // Written before the step answers, so a finished run has all its lines; a cancelled step answers at once.
    const closing = log.close();
    if (!activity.cancellationSignal.aborted) await closing;
    if (scratchDir) await fs.rm(scratchDir, { recursive: true, force: true });
  }
}

/**
 * Learned transforms (workflows/core/transforms.ts) travel with the rows: a table output that records no
 * chain of its own carries the chain of the step's first table input, so a model trained downstream of
 * split or filter still knows what its endpoint must apply.
 */
function carryTransforms(def: StepDefinition, inputs: Record<string, ArtifactRef>, outputs: Record<string, ArtifactRef>) {
  const first = Object.entries(def.inputs).find(([port, spec]) => spec.type === 'table' && inputs[port])?.[0];
  const chain = first ? inputs[first]!.meta?.transforms : undefined;
  if (!Array.isArray(chain) || chain.length === 0) return outputs;
  return Object.fromEntries(
    Object.entries(outputs).map(([port, ref]) =>
      ref?.kind === 'table' && ref.meta?.transforms === undefined ? [port, { ...ref, meta: { ...ref.meta, transforms: chain } }] : [port, ref],
    ),
  );
}

/**
 * Turns a step implementation into a Temporal activity: validates parameters, mirrors status to
 * Postgres, heartbeats, records lineage and turns input problems into non-retryable failures.
 */
export function implement<D extends StepDefinition>(
  def: D,
  run: (args: { params: ParamsOf<D>; inputs: Refs<D['inputs']>; ctx: StepContext & FitPhase }) => Promise<StepOutcome<D>>,
): StepActivity {
  return (input) =>
    inStep(def, input, async (args) => {
      const { runId, nodeId } = input;
      const result = await run(args);
      const outcome = result.outcome ?? 'succeeded';
      const outputs = carryTransforms(def, input.inputs, result.outputs as Record<string, ArtifactRef>);
      checkOutputSchemas(def, nodeId, outputs, input.expectedOutputs);
      const links = [
        ...Object.entries(input.inputs).map(([port, ref]) => ({ port, ref, role: 'input' as const })),
        ...Object.entries(outputs).map(([port, ref]) => ({ port, ref, role: 'output' as const })),
      ].filter((l) => l.ref?.hash);
      await args.ctx.markedRunning;
      args.ctx.signal.throwIfAborted();
      // The outputs' artifact rows, lineage and outcome in one statement (one round trip, atomic like a
      // transaction; foreign keys are checked at its end, after both inserts).
      const db = getDb();
      const outcomeRow = {
        status: outcome,
        finishedAt: sql`now()`,
        summary: result.summary,
        outputs,
        error: result.message ?? null,
        // Only a success may stand in for a later run of the same step.
        ...(input.cache && outcome === 'succeeded' ? { cacheKey: stepCacheKey(input) } : {}),
      };
      // Not over a step its cancelled run already marked.
      const thisStep = and(eq(runSteps.runId, runId), eq(runSteps.nodeId, nodeId), eq(runSteps.status, 'running'));
      const rows = takeUnrecordedArtifacts(Object.values(outputs));
      const recorded = db.$with('recorded').as(
        rows.length > 0
          ? db.insert(artifacts).values(rows).onConflictDoUpdate({ target: artifacts.hash, set: mergeArtifactMeta }).returning({ hash: artifacts.hash })
          : db.select({ hash: artifacts.hash }).from(artifacts).where(sql`false`),
      );
      const linked = db.$with('linked').as(
        links.length > 0
          ? db
              .insert(artifactLinks)
              .values(links.map((l) => ({ runId, nodeId, port: l.port, role: l.role, artifactHash: l.ref.hash! })))
              .onConflictDoNothing()
              .returning({ port: artifactLinks.port })
          : db.select({ port: artifactLinks.port }).from(artifactLinks).where(sql`false`),
      );
      await db.with(recorded, linked).update(runSteps).set(outcomeRow).where(thisStep);
      return { outcome, outputs, summary: result.summary, message: result.message };
    });
}
