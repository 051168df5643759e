'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Check, Copy, KeyRound, Plus } from 'lucide-react';
import { useId, useState } from 'react';
import { WORKSPACE_ROLES, WORKSPACE_ROLE_SUMMARIES, type WorkspaceRole } from '../../workflows/core/workspace-roles';
import { useTRPC, type RouterOutputs } from '../trpc';
import { Badge, type BadgeTone } from '../ui/badge';
import { Button } from '../ui/button';
import { Card, CardHeader, CardTitle } from '../ui/card';
import { Dialog } from '../ui/dialog';
import { formatDateTime, formatRelative } from '../ui/format';
import { EmptyState, ErrorState, LoadingRows } from '../ui/states';

type Token = RouterOutputs['tokens']['list'][number];
type Created = RouterOutputs['tokens']['create'];

const field = 'h-9 w-full rounded-md border border-line bg-surface px-2 text-sm text-fg';
const th = 'px-4 py-2 text-left text-xs font-medium text-fg-muted';
const td = 'px-4 py-2 align-top';

const EXPIRIES = [
  { label: 'Never', days: undefined },
  { label: 'In 7 days', days: 7 },
  { label: 'In 30 days', days: 30 },
  { label: 'In 90 days', days: 90 },
  { label: 'In a year', days: 365 },
] as const;

function stateOf(t: Token, now: number): { label: string; tone: BadgeTone } {
  if (t.revokedAt) return { label: 'Revoked', tone: 'bad' };
  if (t.expiresAt && new Date(t.expiresAt).getTime() <= now) return { label: 'Expired', tone: 'warn' };
  return { label: 'Active', tone: 'ok' };
}

/** Settings → API tokens: make a token for scripts and the CLI, see which are used, revoke them. */
export function TokensPage() {
  const trpc = useTRPC();
  const tokens = useQuery(trpc.tokens.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<Token>();
  // Expiry and "3 minutes ago" as of the list's fetch, which keeps rendering pure.
  const now = tokens.dataUpdatedAt;

  return (
    <main className="mx-auto w-full max-w-6xl space-y-5 px-6 py-7">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold tracking-tight text-fg">API tokens</h1>
          <p className="mt-0.5 text-sm text-fg-muted">
            A token acts in this workspace with its role, for scripts, CI and the <code>millrace</code> CLI. It is shown once; only its hash is kept.
          </p>
        </div>
        <Button variant="primary" onClick={() => setCreating(true)}>
          <Plus aria-hidden />
          New token
        </Button>
      </div>
      <Card aria-labelledby="token-list">
        <CardHeader>
          <CardTitle id="token-list">
            <KeyRound aria-hidden />
            Tokens
          </CardTitle>
        </CardHeader>
        {tokens.isPending ? (
          <div className="p-5">
            <LoadingRows label="Loading tokens" />
          </div>
        ) : tokens.isError ? (
          <div className="p-5">
            <ErrorState title="Could not load the tokens" message={tokens.error.message} action={<Button size="sm" onClick={() => tokens.refetch()}>Try again</Button>} />
          </div>
        ) : tokens.data.length === 0 ? (
          <EmptyState icon={<KeyRound />} title="No tokens yet">
            Make one with New token.
          </EmptyState>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-sm" aria-label="API tokens">
              <thead>
                <tr className="border-b border-line">
                  <th scope="col" className={th}>Name</th>
                  <th scope="col" className={th}>Role</th>
                  <th scope="col" className={th}>Token</th>
                  <th scope="col" className={th}>Created</th>
                  <th scope="col" className={th}>Last used</th>
                  <th scope="col" className={th}>Expires</th>
                  <th scope="col" className={th}>State</th>
                  <th scope="col" className={th}>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-line">
                {tokens.data.map((t) => {
                  const state = stateOf(t, now);
                  return (
                    <tr key={t.id}>
                      <th scope="row" className={`${td} text-left font-medium`}>{t.name}</th>
                      <td className={td}>{t.role}</td>
                      <td className={`${td} font-mono text-xs`}>{t.prefix}…</td>
                      <td className={`${td} text-fg-muted`}>
                        <span title={formatDateTime(t.createdAt)}>{formatRelative(t.createdAt, now)}</span>
                        {t.createdBy && <span className="block text-xs">by {t.createdBy}</span>}
                      </td>
                      <td className={`${td} text-fg-muted`}>
                        {t.lastUsedAt ? (
                          <>
                            <span title={formatDateTime(t.lastUsedAt)}>{formatRelative(t.lastUsedAt, now)}</span>
                            {t.lastUsedIp && <span className="block text-xs">from {t.lastUsedIp}</span>}
                          </>
                        ) : (
                          'Never'
                        )}
                      </td>
                      <td className={`${td} text-fg-muted`}>{t.expiresAt ? formatDateTime(t.expiresAt) : 'Never'}</td>
                      <td className={td}>
                        <Badge tone={state.tone}>{state.label}</Badge>
                      </td>
                      <td className={`${td} text-right`}>
                        {!t.revokedAt && (
                          <Button size="sm" variant="danger" aria-label={`Revoke ${t.name}`} onClick={() => setRevoking(t)}>
                            Revoke
                          </Button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      {creating && <CreateTokenDialog onClose={() => setCreating(false)} />}
      {revoking && <RevokeTokenDialog token={revoking} onClose={() => setRevoking(undefined)} />}
    </main>
  );
}

function CreateTokenDialog({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [name, setName] = useState('');
  const [role, setRole] = useState<WorkspaceRole>('viewer');
  const [expiry, setExpiry] = useState(0);
  const create = useMutation(
    trpc.tokens.create.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() }) }),
  );

  if (create.data) return <TokenShownOnce created={create.data} onClose={onClose} />;
  return (
    <Dialog title="New API token" description="The token can do what its role allows in this workspace." onClose={onClose}>
      <form
        className="space-y-4 px-5 py-4"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name, role, expiresInDays: EXPIRIES[expiry]?.days });
        }}
      >
        <div className="space-y-1">
          <label htmlFor={`${id}-name`} className="text-xs font-medium text-fg-muted">
            Name
          </label>
          <input id={`${id}-name`} className={field} value={name} required maxLength={100} placeholder="ci-deploy" onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="space-y-1">
          <label htmlFor={`${id}-role`} className="text-xs font-medium text-fg-muted">
            Role
          </label>
          <select id={`${id}-role`} className={field} value={role} onChange={(e) => setRole(e.target.value as WorkspaceRole)}>
            {WORKSPACE_ROLES.map((r) => (
              <option key={r} value={r}>
                {r}: {WORKSPACE_ROLE_SUMMARIES[r]}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor={`${id}-expiry`} className="text-xs font-medium text-fg-muted">
            Expires
          </label>
          <select id={`${id}-expiry`} className={field} value={expiry} onChange={(e) => setExpiry(Number(e.target.value))}>
            {EXPIRIES.map((x, i) => (
              <option key={x.label} value={i}>
                {x.label}
              </option>
            ))}
          </select>
        </div>
        {create.isError && <ErrorState title="Could not make the token" message={create.error.message} />}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={create.isPending || !name.trim()}>
            {create.isPending ? 'Creating…' : 'Create token'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** The new token, once: with a Copy button and how to use it. */
function TokenShownOnce({ created, onClose }: { created: Created; onClose: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed'>();
  // Shown only after a click, so never rendered on the server.
  const origin = window.location.origin;
  const copy = () =>
    navigator.clipboard.writeText(created.token).then(
      () => setCopied('yes'),
      () => setCopied('failed'),
    );
  return (
    <Dialog
      title={`Token ${created.name}`}
      description="Copy the token now: it is not shown again."
      onClose={onClose}
      className="w-[620px]"
      footer={
        <Button variant="primary" onClick={onClose}>
          Done
        </Button>
      }
    >
      <div className="space-y-4 px-5 py-4 text-sm">
        <div className="flex items-center gap-2">
          <code aria-label="New token" className="min-w-0 flex-1 rounded-md border border-line bg-subtle px-2 py-1.5 font-mono text-xs break-all select-all">
            {created.token}
          </code>
          <Button size="sm" onClick={copy}>
            {copied === 'yes' ? <Check aria-hidden /> : <Copy aria-hidden />}
            {copied === 'yes' ? 'Copied' : 'Copy'}
          </Button>
        </div>
        {copied === 'failed' && <p className="text-xs text-bad-strong">The browser did not allow copying: select the token and copy it by hand.</p>}
        <div className="space-y-1">
          <p className="text-xs font-medium text-fg-muted">Use it with curl</p>
          <pre className="overflow-x-auto rounded-md bg-subtle px-2 py-1.5 font-mono text-xs">{`curl -H "Authorization: Bearer ${created.token}" ${origin}/api/v1/me`}</pre>
        </div>
        <div className="space-y-1">
          <p className="text-xs font-medium text-fg-muted">Or with the CLI</p>
          <pre className="overflow-x-auto rounded-md bg-subtle px-2 py-1.5 font-mono text-xs">{`MILLRACE_URL=${origin} MILLRACE_TOKEN=${created.token} npx millrace whoami`}</pre>
        </div>
      </div>
    </Dialog>
  );
}

function RevokeTokenDialog({ token, onClose }: { token: Token; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const revoke = useMutation(
    trpc.tokens.revoke.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
        onClose();
      },
    }),
  );
  return (
    <Dialog
      title={`Revoke ${token.name}?`}
      description="Every request with this token is refused from now on. This cannot be undone."
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="danger" disabled={revoke.isPending} onClick={() => revoke.mutate({ id: token.id })}>
            {revoke.isPending ? 'Revoking…' : 'Revoke token'}
          </Button>
        </>
      }
    >
      {revoke.isError && (
        <div className="px-5 py-3">
          <ErrorState title="Could not revoke the token" message={revoke.error.message} />
        </div>
      )}
    </Dialog>
  );
}
