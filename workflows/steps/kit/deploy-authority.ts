import { and, eq, ne } from 'drizzle-orm';
import { getDb } from '../../../db/client';
import { approvals, runs } from '../../../db/schema';
import { roleAtLeast, WORKSPACE_ROLES, type WorkspaceRole } from '../../core/workspace-roles';
import type { ApprovalDecision } from '../../core/plan';

// Promoting to production is a deployer's act. A run may do it when it was started with a deployer's
// authority (a deployer or admin caller, or a schedule or trigger such a person made), or when a person
// approved it in an approval step of the run (deciding approvals needs the deployer role). A run started
// before runs recorded their authority (started_role null) keeps the authority every caller had then.

export type DeployAuthority = { allowed: true } | { allowed: false; reason: string };

export async function productionDeployAuthority(runId: string, ownDecision?: ApprovalDecision): Promise<DeployAuthority> {
  if (ownDecision?.decision === 'approve' && ownDecision.by !== 'timeout') return { allowed: true };
  const db = getDb();
  const [run] = await db.select({ startedBy: runs.startedBy, startedRole: runs.startedRole }).from(runs).where(eq(runs.id, runId));
  if (!run) throw new Error(`Run "${runId}" was not found`);
  if (run.startedBy === null && run.startedRole === null) return { allowed: true };
  const role = (WORKSPACE_ROLES as readonly string[]).includes(run.startedRole ?? '') ? (run.startedRole as WorkspaceRole) : null;
  if (role && roleAtLeast(role, 'deployer')) return { allowed: true };
  // An approval step of this run approved by a person (not by its timeout).
  const [approved] = await db
    .select({ by: approvals.decidedBy })
    .from(approvals)
    .where(and(eq(approvals.runId, runId), eq(approvals.decision, 'approve'), ne(approvals.decidedBy, 'timeout')))
    .limit(1);
  if (approved) return { allowed: true };
  return {
    allowed: false,
    reason:
      `needs a deployer: this run was started by ${run.startedBy ?? 'someone unknown'} (${role ?? 'no role'}), and only a run ` +
      'started by a deployer or admin, or approved in an approval step, may promote to production',
  };
}
