import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { getDb } from '../../db/client';
import { pipelines, runs, triggerFirings, triggers } from '../../db/schema';
import { createTriggerSchema, hookPathOf, resolvePointer, type CreateTriggerInput, type TriggerKind } from '../../workflows/core/trigger-spec';
import { catalog } from '../../workflows/steps/catalog';
import { ServiceError, notFound } from '../infra/errors';
import { startTriggeredRun, type TriggeredRunResult } from '../infra/triggered-run';
import { creatorActor, currentActor, currentWorkspaceId, withWorkspace } from '../infra/workspace';
import { checkParameterValues } from './parameter-values';

// Triggers: a dataset's new versions, a webhook, or another pipeline's success start a pipeline. The
// firing itself happens in server/infra/triggered-run.ts (and, for datasets, in a debounce workflow).

export interface TriggerView {
  id: string;
  pipeline: string;
  kind: TriggerKind;
  dataset?: string;
  debounceSeconds?: number;
  afterPipeline?: string;
  /** webhook: where to POST (relative to the server). */
  hookPath?: string;
  paramPointers: Record<string, string>;
  params: Record<string, unknown>;
  enabled: boolean;
  note?: string;
  createdBy: string;
  updatedBy: string;
  createdAt: Date;
  updatedAt: Date;
  lastFiring?: { runId?: string; status: string; at: Date; message?: string };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest();
const newToken = () => `mrh_${randomBytes(32).toString('base64url')}`;

async function pipelineIdOf(name: string): Promise<string> {
  const workspaceId = currentWorkspaceId();
  const [row] = await getDb()
    .select({ id: pipelines.id })
    .from(pipelines)
    .where(and(eq(pipelines.workspaceId, workspaceId), eq(pipelines.name, name)));
  if (!row) throw notFound(`Pipeline "${name}"`);
  return row.id;
}

export async function listTriggers(opts: { pipeline?: string } = {}): Promise<TriggerView[]> {
  const workspaceId = currentWorkspaceId();
  if (opts.pipeline) await pipelineIdOf(opts.pipeline);
  const after = alias(pipelines, 'after_pipeline');
  const db = getDb();
  const rows = await db
    .select({ t: triggers, pipeline: pipelines.name, afterPipeline: after.name })
    .from(triggers)
    .innerJoin(pipelines, eq(pipelines.id, triggers.pipelineId))
    .leftJoin(after, eq(after.id, triggers.afterPipelineId))
    .where(and(eq(triggers.workspaceId, workspaceId), opts.pipeline ? eq(pipelines.name, opts.pipeline) : undefined))
    .orderBy(pipelines.name, triggers.createdAt);
  const ids = rows.map((r) => r.t.id);
  const last =
    ids.length === 0
      ? []
      : await db
          .selectDistinctOn([triggerFirings.triggerId], {
            triggerId: triggerFirings.triggerId,
            runId: triggerFirings.runId,
            firingStatus: triggerFirings.status,
            message: triggerFirings.message,
            at: triggerFirings.createdAt,
            runStatus: runs.status,
          })
          .from(triggerFirings)
          .leftJoin(runs, eq(runs.id, triggerFirings.runId))
          .where(inArray(triggerFirings.triggerId, ids))
          .orderBy(triggerFirings.triggerId, desc(triggerFirings.createdAt));
  const lastOf = new Map(last.map((l) => [l.triggerId, l]));
  return rows.map(({ t, pipeline, afterPipeline }) => {
    const l = lastOf.get(t.id);
    return {
      id: t.id,
      pipeline,
      kind: t.kind,
      dataset: t.dataset ?? undefined,
      debounceSeconds: t.debounceSeconds ?? undefined,
      afterPipeline: afterPipeline ?? undefined,
      hookPath: t.kind === 'webhook' ? hookPathOf(t.id) : undefined,
      paramPointers: t.paramPointers as Record<string, string>,
      params: t.params as Record<string, unknown>,
      enabled: t.enabled,
      note: t.note ?? undefined,
      createdBy: t.createdBy,
      updatedBy: t.updatedBy,
      createdAt: t.createdAt,
      updatedAt: t.updatedAt,
      lastFiring: l
        ? {
            runId: l.runId ?? undefined,
            status: l.runStatus ?? (l.firingStatus === 'started' ? 'queued' : l.firingStatus),
            at: l.at,
            message: l.message ?? undefined,
          }
        : undefined,
    };
  });
}

async function triggerRow(id: string) {
  if (!UUID.test(id)) throw notFound(`Trigger "${id}"`);
  const workspaceId = currentWorkspaceId();
  const [row] = await getDb()
    .select()
    .from(triggers)
    .where(and(eq(triggers.id, id), eq(triggers.workspaceId, workspaceId)));
  if (!row) throw notFound(`Trigger "${id}"`);
  return row;
}

export async function getTrigger(id: string): Promise<TriggerView> {
  const row = await triggerRow(id);
  const [pipeline] = await getDb().select({ name: pipelines.name }).from(pipelines).where(eq(pipelines.id, row.pipelineId));
  const view = (await listTriggers({ pipeline: pipeline!.name })).find((t) => t.id === id);
  if (!view) throw notFound(`Trigger "${id}"`);
  return view;
}

/** Refuses a pipeline trigger that would close a loop: `target` must not already lead back to `after`. */
async function checkNoCycle(afterId: string, targetId: string, afterName: string, targetName: string) {
  if (afterId === targetId) throw new ServiceError('invalid', `A pipeline cannot start itself after its own success ("${targetName}")`);
  const edges = await getDb()
    .select({ from: triggers.afterPipelineId, to: triggers.pipelineId })
    .from(triggers)
    .where(eq(triggers.kind, 'pipeline'));
  const next = new Map<string, string[]>();
  for (const e of edges) if (e.from) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const seen = new Set<string>();
  const stack = [targetId];
  while (stack.length > 0) {
    const at = stack.pop()!;
    if (at === afterId) {
      throw new ServiceError('invalid', `"${afterName}" → "${targetName}" would close a loop: "${targetName}" already leads back to "${afterName}"`);
    }
    if (seen.has(at)) continue;
    seen.add(at);
    stack.push(...(next.get(at) ?? []));
  }
}

/** Creates a trigger. A webhook's token is in this answer only: Millrace keeps just its hash. */
export async function createTrigger(pipeline: string, raw: CreateTriggerInput, who: string): Promise<{ trigger: TriggerView; token?: string }> {
  const input = createTriggerSchema.parse(raw);
  const pipelineId = await pipelineIdOf(pipeline);
  await checkParameterValues(pipeline, input.params, input.kind === 'webhook' ? Object.keys(input.paramPointers) : []);
  const workspaceId = currentWorkspaceId();
  let token: string | undefined;
  const values: typeof triggers.$inferInsert = {
    workspaceId,
    pipelineId,
    kind: input.kind,
    params: input.params,
    note: input.note,
    createdBy: who,
    createdRole: currentActor()?.role ?? null,
    updatedBy: who,
  };
  if (input.kind === 'dataset') Object.assign(values, { dataset: input.dataset, debounceSeconds: input.debounceSeconds });
  if (input.kind === 'webhook') {
    token = newToken();
    Object.assign(values, { tokenHash: hashToken(token).toString('hex'), paramPointers: input.paramPointers });
  }
  if (input.kind === 'pipeline') {
    const afterId = await pipelineIdOf(input.afterPipeline);
    await checkNoCycle(afterId, pipelineId, input.afterPipeline, pipeline);
    values.afterPipelineId = afterId;
  }
  const [row] = await getDb().insert(triggers).values(values).returning({ id: triggers.id });
  return { trigger: await getTrigger(row!.id), token };
}

/** A new token for a webhook; the old one stops working at once. */
export async function rotateTriggerToken(id: string, who: string): Promise<{ token: string }> {
  const row = await triggerRow(id);
  if (row.kind !== 'webhook') throw new ServiceError('invalid', 'Only a webhook trigger has a token');
  const token = newToken();
  await getDb()
    .update(triggers)
    .set({ tokenHash: hashToken(token).toString('hex'), updatedBy: who, updatedAt: new Date() })
    .where(eq(triggers.id, id));
  return { token };
}

export async function setTriggerEnabled(id: string, enabled: boolean, who: string): Promise<TriggerView> {
  await triggerRow(id);
  await getDb().update(triggers).set({ enabled, updatedBy: who, updatedAt: new Date() }).where(eq(triggers.id, id));
  return getTrigger(id);
}

export async function deleteTrigger(id: string): Promise<void> {
  await triggerRow(id);
  await getDb().delete(triggers).where(eq(triggers.id, id));
}

/** The token from `Authorization: Bearer …` or `X-Millrace-Token`. */
export function hookTokenOf(headers: Headers): string | undefined {
  // X-Millrace-Token names the trigger's token alone, so it wins over an Authorization header a client adds anyway.
  const own = headers.get('x-millrace-token')?.trim();
  if (own) return own;
  const auth = headers.get('authorization');
  return auth?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
}

export class HookUnauthorized extends Error {}

/**
 * A webhook call: checks the token (in constant time, against the stored hash), maps the JSON payload
 * to the pipeline's parameters and starts a run. The same `Idempotency-Key` again answers the run it
 * started the first time.
 */
export async function fireWebhook(
  id: string,
  req: { token?: string; payload: unknown; idempotencyKey?: string },
): Promise<Extract<TriggeredRunResult, { status: 'started' }>> {
  const row = UUID.test(id) ? (await getDb().select().from(triggers).where(eq(triggers.id, id)))[0] : undefined;
  const expected = row?.kind === 'webhook' && row.tokenHash ? Buffer.from(row.tokenHash, 'hex') : undefined;
  // Hashing first makes both sides 32 bytes, so the comparison takes the same time whatever was sent.
  const given = hashToken(req.token ?? '');
  const matches = expected !== undefined && expected.length === given.length && timingSafeEqual(expected, given);
  if (!row || !matches || !req.token) throw new HookUnauthorized('Unknown webhook or wrong token');
  if (!row.enabled) throw new ServiceError('conflict', 'This webhook trigger is turned off');
  const mapped: Record<string, unknown> = {};
  for (const [param, pointer] of Object.entries(row.paramPointers as Record<string, string>)) {
    const found = resolvePointer(req.payload, pointer);
    if (!found.found) throw new ServiceError('unprocessable', `The payload has no value at "${pointer}" for the parameter "${param}"`);
    mapped[param] = found.value;
  }
  const [pipeline] = await getDb().select({ name: pipelines.name }).from(pipelines).where(eq(pipelines.id, row.pipelineId));
  // The hook's token stands for its trigger, not for a member: the run starts in the trigger's workspace.
  const result = await withWorkspace(
    row.workspaceId,
    () =>
      startTriggeredRun(catalog, {
    pipeline: pipeline!.name,
    params: { ...(row.params as Record<string, unknown>), ...mapped },
    firing: {
      key: `webhook:${id}:${req.idempotencyKey ?? randomUUID()}`,
      kind: 'webhook',
      triggerId: id,
      payload: req.payload,
    },
  }),
    creatorActor(row.createdBy, row.createdRole, 'webhook trigger'),
  );
  if (result.status !== 'started') throw new ServiceError('unprocessable', result.message);
  return result;
}

/** What started a run, for the run page: the schedule or trigger, the scheduled time, the parameters and the chain. */
export async function runOriginOf(runId: string) {
  if (!UUID.test(runId)) return undefined;
  const [row] = await getDb().select().from(triggerFirings).where(eq(triggerFirings.runId, runId));
  if (!row) return undefined;
  return {
    kind: row.kind,
    scheduleId: row.scheduleId ?? undefined,
    triggerId: row.triggerId ?? undefined,
    scheduledAt: row.scheduledAt ?? undefined,
    params: (row.params as Record<string, unknown> | null) ?? undefined,
    payload: row.payload ?? undefined,
    originRunId: row.originRunId ?? undefined,
    chain: row.chain as string[],
  };
}
