// Workspace roles, weakest first: each role may do everything the ones before it may. Here, not in
// server/auth, because the database's check constraint and the UI's role gating read the same list.

export const WORKSPACE_ROLES = ['viewer', 'editor', 'deployer', 'admin'] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

/** What a role may do, in the words the UI and error messages use. */
export const WORKSPACE_ROLE_SUMMARIES: Record<WorkspaceRole, string> = {
  viewer: 'read everything in the workspace',
  editor: 'build and run pipelines, manage datasets, schedules and triggers',
  deployer: 'promote and roll back models, decide approvals',
  admin: 'manage members, tokens, connections and secrets',
};

/** True when `role` is `required` or stronger. */
export function roleAtLeast(role: WorkspaceRole, required: WorkspaceRole): boolean {
  return WORKSPACE_ROLES.indexOf(role) >= WORKSPACE_ROLES.indexOf(required);
}
