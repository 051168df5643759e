import { appendAuditEvent } from '../infra/audit-log';
import type { AuditAction } from './audit-actions';
import type { Principal } from './principal';

// The audit row of a successful call that declares an audit action (tRPC `procedure(role, audit)`, REST
// `route({ role, audit }, …)`). What the change was done to is read from the call's answer, its input and
// its path parameters; only a short list of harmless fields goes into the details, so documents, comments,
// URLs, passwords and tokens never reach the log.

type Scalar = string | number | boolean | null;
type Sources = readonly unknown[];

export interface AuditTarget {
  kind: string;
  target: string | null;
  details: Record<string, Scalar>;
}

/** The kind of thing each action changes, and where its name or id is found (first match wins). */
interface TargetSpec {
  kind: string;
  keys: readonly string[];
  /** Where to look when none of `keys` is there (a schedule asked to run now answers no run id). */
  otherwise?: TargetSpec;
}
const TARGETS: Record<AuditAction, TargetSpec> = {
  'pipeline.saved': { kind: 'pipeline', keys: ['name', 'pipeline', 'document.name'] },
  'run.started': { kind: 'run', keys: ['runId', 'run.id'], otherwise: { kind: 'schedule', keys: ['name'] } },
  'run.cancelled': { kind: 'run', keys: ['runId'] },
  'approval.decided': { kind: 'run', keys: ['runId'] },
  'dataset.version_created': { kind: 'dataset', keys: ['name', 'dataset'] },
  'dataset.version_set': { kind: 'dataset', keys: ['name', 'dataset'] },
  'model.promoted': { kind: 'model', keys: ['name', 'model'] },
  'endpoint.rolled_back': { kind: 'endpoint', keys: ['name', 'endpoint'] },
  'endpoint.access_changed': { kind: 'endpoint', keys: ['name', 'endpoint'] },
  'schedule.changed': { kind: 'schedule', keys: ['schedule.name', 'name'] },
  'trigger.changed': { kind: 'trigger', keys: ['trigger.id', 'id'] },
  'connection.created': { kind: 'connection', keys: ['id', 'name'] },
  'connection.deleted': { kind: 'connection', keys: ['id', 'name'] },
  'secret.changed': { kind: 'secret', keys: ['name', 'id'] },
  'member.invited': { kind: 'member', keys: ['email', 'memberId', 'userId', 'id'] },
  'member.removed': { kind: 'member', keys: ['email', 'memberId', 'userId', 'id'] },
  'role.changed': { kind: 'member', keys: ['email', 'memberId', 'userId', 'id'] },
  'token.created': { kind: 'token', keys: ['id', 'tokenId'] },
  'token.revoked': { kind: 'token', keys: ['id', 'tokenId'] },
  'instance.setup': { kind: 'user', keys: ['email'] },
};

/** Fields safe and useful to keep with a row; anything else in a call's input or answer is left out. */
const DETAIL_KEYS = [
  'pipeline',
  'version',
  'latestVersion',
  'decision',
  'nodeId',
  'alias',
  'paused',
  'enabled',
  'role',
  'name',
  'kind',
  'toVersion',
  'access',
  'expiresAt',
  'prefix',
] as const;
const MAX_DETAIL_CHARS = 200;

function at(source: unknown, path: string): unknown {
  let value = source;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function scalar(value: unknown): Scalar | undefined {
  if (typeof value === 'string') return value.length > MAX_DETAIL_CHARS ? `${value.slice(0, MAX_DETAIL_CHARS)}…` : value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  return undefined;
}

function targetOf(spec: TargetSpec, sources: Sources): { kind: string; target: string | null } {
  for (const key of spec.keys) {
    const found = sources.map((s) => scalar(at(s, key))).find((v) => v !== undefined && v !== null && v !== '');
    if (found === undefined || found === null) continue;
    // A schedule is named within its pipeline.
    const pipeline = spec.kind === 'schedule' ? sources.map((s) => scalar(at(s, 'pipeline'))).find((v) => typeof v === 'string') : undefined;
    return { kind: spec.kind, target: pipeline ? `${pipeline}/${found}` : String(found) };
  }
  return spec.otherwise ? targetOf(spec.otherwise, sources) : { kind: spec.kind, target: null };
}

/** What a call with this action changed, from its answer, input and path parameters (in that order). */
export function auditTargetOf(action: AuditAction, sources: Sources): AuditTarget {
  const { kind, target } = targetOf(TARGETS[action], sources);
  const details: Record<string, Scalar> = {};
  for (const key of DETAIL_KEYS) {
    for (const source of sources) {
      const value = scalar(at(source, key)) ?? scalar(at(source, `schedule.${key}`)) ?? scalar(at(source, `trigger.${key}`));
      if (value !== undefined) {
        details[key] = value;
        break;
      }
    }
  }
  return { kind, target, details };
}

/**
 * Answers that say nothing changed: a refusal reported as a value (`{ ok: false, errors }`, a document that
 * does not compile), a save identical to the newest version (`created: false`), or a repeated request that
 * found the run its idempotency key started before (`existing: true`).
 */
export function changedNothing(output: unknown): boolean {
  if (output === null || typeof output !== 'object') return false;
  const answer = output as { ok?: unknown; created?: unknown; existing?: unknown };
  return answer.ok === false || answer.created === false || answer.existing === true;
}

export interface AuditedCall {
  /** The call's answer, input and path parameters, searched in that order for the target. */
  sources: Sources;
  /** `trpc runs.start` or `POST /api/v1/runs`. */
  via: string;
  requestId: string | null;
}

/** Writes the row of a successful audited call. Never throws (see appendAuditEvent). */
export async function recordAuditedCall(caller: Principal, action: AuditAction, call: AuditedCall): Promise<void> {
  try {
    const { kind, target, details } = auditTargetOf(action, call.sources);
    await appendAuditEvent({
      workspaceId: caller.workspaceId,
      actorKind: caller.kind,
      actorId: caller.id,
      actorLabel: caller.label,
      action,
      targetKind: kind,
      target,
      details: { ...details, via: call.via },
      ip: caller.ip,
      userAgent: caller.userAgent,
      requestId: call.requestId,
    });
  } catch (err) {
    console.error(`[millrace] could not record the audit event ${action}:`, err);
  }
}
