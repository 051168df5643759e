// For tests and benchmarks that call server code in their own process (as a step or a request would,
// each inside its workspace): the module's functions run in the `default` workspace, as its admin.

export async function inDefaultWorkspace<M extends object>(mod: M): Promise<M> {
  const { defaultWorkspaceId, withWorkspace } = await import('../../server/infra/workspace');
  const workspaceId = await defaultWorkspaceId();
  const actor = { label: 'test', role: 'admin' as const };
  return new Proxy(mod, {
    get(target, key) {
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? (...args: unknown[]) => withWorkspace(workspaceId, () => (value as (...a: unknown[]) => unknown)(...args), actor) : value;
    },
  });
}
