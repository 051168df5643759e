/** The changes that matter enough for the audit log, named `<thing>.<what happened>`. */
export const AUDIT_ACTIONS = [
  'pipeline.saved',
  'run.started',
  'run.cancelled',
  'approval.decided',
  'dataset.version_created',
  'dataset.version_set',
  'model.promoted',
  'endpoint.rolled_back',
  'endpoint.access_changed',
  'schedule.changed',
  'trigger.changed',
  'connection.created',
  'connection.deleted',
  'secret.changed',
  'member.invited',
  'member.removed',
  'role.changed',
  'token.created',
  'token.revoked',
  'instance.setup',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
