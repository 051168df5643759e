'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { KeyRound } from 'lucide-react';
import { useId, useSyncExternalStore } from 'react';
import { useTRPC } from '../trpc';
import { Card, CardHeader, CardTitle } from '../ui/card';
import { ErrorState } from '../ui/states';

// Who may call the endpoint's predict, and a request that works as the endpoint is set: with the
// Authorization header when it takes only tokens.

const ACCESS_LABEL = {
  token: 'API tokens and signed-in members of this workspace',
  public: 'Anyone who can reach Millrace (public)',
} as const;
type Access = keyof typeof ACCESS_LABEL;

/** A sample value per request column: numbers for number columns, else text. */
function sampleRow(columns: string[], types: Map<string, string>): Record<string, unknown> {
  return Object.fromEntries(columns.map((c) => [c, types.get(c) === 'number' ? 0 : 'value']));
}

export function predictSample(origin: string, name: string, access: Access, row: Record<string, unknown>): string {
  return [
    `curl -X POST '${origin}/api/v1/endpoints/${encodeURIComponent(name)}/predict' \\`,
    ...(access === 'token' ? [`  -H "Authorization: Bearer $MILLRACE_TOKEN" \\`] : []),
    `  -H 'Content-Type: application/json' \\`,
    `  -d '${JSON.stringify({ rows: [row] }).replaceAll("'", "'\\''")}'`,
  ].join('\n');
}

export function EndpointAccess({ name }: { name: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const endpoint = useQuery(trpc.endpoints.get.queryOptions({ name }));
  const setAccess = useMutation(
    trpc.endpoints.setAccess.mutationOptions({
      onSettled: () => qc.invalidateQueries({ queryKey: trpc.endpoints.get.queryKey({ name }) }),
    }),
  );
  const id = useId();
  // The address the browser reached Millrace at, known only after the page is in the browser.
  const origin = useSyncExternalStore(
    () => () => {},
    () => window.location.origin,
    () => '',
  );
  if (!endpoint.data) return null;
  const access: Access = endpoint.data.access;
  const columns = endpoint.data.requestColumns ?? endpoint.data.features.map((f) => f.name);
  const types = new Map(endpoint.data.features.map((f) => [f.name, f.type]));

  return (
    <Card aria-labelledby={`${id}-title`} className="mt-6">
      <CardHeader>
        <CardTitle id={`${id}-title`}>
          <KeyRound aria-hidden />
          Who may call predict
        </CardTitle>
      </CardHeader>
      <div className="flex flex-col gap-3 px-5 pb-5 pt-4 text-sm">
        <label htmlFor={`${id}-access`} className="flex flex-col gap-1">
          <span className="text-fg-muted">Predict access</span>
          <select
            id={`${id}-access`}
            className="h-8 max-w-md rounded-md border border-line bg-surface px-2 text-sm text-fg"
            value={access}
            disabled={setAccess.isPending}
            onChange={(e) => setAccess.mutate({ name, access: e.target.value as Access })}
          >
            {(Object.keys(ACCESS_LABEL) as Access[]).map((a) => (
              <option key={a} value={a}>
                {ACCESS_LABEL[a]}
              </option>
            ))}
          </select>
        </label>
        {setAccess.isError && <ErrorState title="Access not changed" message={setAccess.error.message} />}
        <pre aria-label="Example predict request" className="overflow-x-auto rounded-md bg-subtle p-3 font-mono text-xs text-fg">
          {predictSample(origin, name, access, sampleRow(columns, types))}
        </pre>
      </div>
    </Card>
  );
}
