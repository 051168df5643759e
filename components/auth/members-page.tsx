'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { WORKSPACE_ROLES, WORKSPACE_ROLE_SUMMARIES, type WorkspaceRole } from '../../workflows/core/workspace-roles';
import { useTRPC } from '../trpc';
import { Button } from '../ui/button';
import { formatDateTime } from '../ui/format';
import { ErrorState, LoadingRows } from '../ui/states';
import { FormError } from './fields';
import { useMe } from './use-role';

const select = 'h-8 rounded-md border border-line-strong bg-surface px-1.5 text-sm text-fg';

function RoleSelect({ label, value, onChange, disabled }: { label: string; value: WorkspaceRole; onChange: (role: WorkspaceRole) => void; disabled?: boolean }) {
  return (
    <select aria-label={label} className={select} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value as WorkspaceRole)}>
      {WORKSPACE_ROLES.map((role) => (
        <option key={role} value={role}>
          {role}
        </option>
      ))}
    </select>
  );
}

/** Admins: who is in the workspace with which role, and the invitations still open. */
export function MembersPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useMe();
  const list = useQuery(trpc.members.list.queryOptions());
  const [error, setError] = useState<string | null>(null);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<WorkspaceRole>('viewer');
  const [invited, setInvited] = useState<{ email: string; link: string } | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.members.list.queryKey() });
  const options = { onError: (err: { message: string }) => setError(err.message), onSuccess: () => (setError(null), refresh()) };
  const invite = useMutation(
    trpc.members.invite.mutationOptions({
      onError: options.onError,
      onSuccess: (answer) => {
        setError(null);
        setEmail('');
        setInvited({ email: answer.email, link: `${window.location.origin}${answer.link}` });
        void refresh();
      },
    }),
  );
  const changeRole = useMutation(trpc.members.changeRole.mutationOptions(options));
  const remove = useMutation(trpc.members.remove.mutationOptions(options));
  const revoke = useMutation(trpc.members.revokeInvitation.mutationOptions(options));

  return (
    <main className="mx-auto w-full max-w-4xl flex-1 px-6 py-8">
      <h1 className="text-xl font-semibold text-fg">Members{me.data?.workspace ? ` of ${me.data.workspace.name}` : ''}</h1>
      <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-0.5 text-sm text-fg-muted">
        {WORKSPACE_ROLES.map((r) => (
          <div key={r} className="contents">
            <dt className="font-medium text-fg">{r}</dt>
            <dd>{WORKSPACE_ROLE_SUMMARIES[r]}</dd>
          </div>
        ))}
      </dl>

      <section aria-labelledby="invite-heading" className="mt-8">
        <h2 id="invite-heading" className="text-base font-semibold text-fg">
          Invite someone
        </h2>
        <form
          className="mt-3 flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            invite.mutate({ email, role });
          }}
        >
          <label className="grid gap-1 text-sm text-fg">
            Email to invite
            <input type="email" required className="h-9 w-72 rounded-md border border-line-strong bg-surface px-2 text-sm" value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <RoleSelect label="Role of the invited person" value={role} onChange={setRole} />
          <Button type="submit" variant="primary" disabled={invite.isPending}>
            Invite
          </Button>
        </form>
        {invited && (
          <div role="status" className="mt-3 rounded-lg border border-line bg-subtle px-3 py-2 text-sm">
            <p className="text-fg">Send {invited.email} this link (no mail is sent; it works for 7 days, for that email only):</p>
            <div className="mt-1.5 flex items-center gap-2">
              <input aria-label="Invite link" readOnly className="h-8 flex-1 rounded-md border border-line bg-surface px-2 font-mono text-xs" value={invited.link} onFocus={(e) => e.target.select()} />
              <Button size="sm" onClick={() => void navigator.clipboard?.writeText(invited.link)}>
                Copy link
              </Button>
            </div>
          </div>
        )}
      </section>

      <div className="mt-4">
        <FormError message={error} />
      </div>

      {list.isPending ? (
        <div className="mt-6">
          <LoadingRows label="Loading members" />
        </div>
      ) : list.isError ? (
        <ErrorState className="mt-6" title="Cannot show the members" message={list.error.message} />
      ) : (
        <>
          <section aria-labelledby="members-heading" className="mt-8">
            <h2 id="members-heading" className="text-base font-semibold text-fg">
              Members
            </h2>
            <table className="mt-3 w-full text-sm">
              <thead className="text-left text-fg-muted">
                <tr>
                  <th className="py-1.5 font-medium">Name</th>
                  <th className="py-1.5 font-medium">Email</th>
                  <th className="py-1.5 font-medium">Role</th>
                  <th className="py-1.5 font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.members.map((m) => (
                  <tr key={m.id} className="border-t border-line">
                    <td className="py-2 text-fg">{m.name}</td>
                    <td className="py-2 text-fg">{m.email}</td>
                    <td className="py-2">
                      <RoleSelect
                        label={`Role of ${m.email}`}
                        value={m.role ?? 'viewer'}
                        disabled={changeRole.isPending}
                        onChange={(next) => changeRole.mutate({ memberId: m.id, role: next })}
                      />
                    </td>
                    <td className="py-2 text-right">
                      <Button size="sm" variant="danger" aria-label={`Remove ${m.email}`} disabled={remove.isPending} onClick={() => window.confirm(`Remove ${m.email} from the workspace?`) && remove.mutate({ memberId: m.id })}>
                        Remove
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>

          <section aria-labelledby="invitations-heading" className="mt-8">
            <h2 id="invitations-heading" className="text-base font-semibold text-fg">
              Pending invitations
            </h2>
            {list.data.invitations.length === 0 ? (
              <p className="mt-2 text-sm text-fg-muted">None.</p>
            ) : (
              <ul className="mt-3 divide-y divide-line text-sm">
                {list.data.invitations.map((inv) => (
                  <li key={inv.id} className="flex items-center gap-3 py-2">
                    <span className="text-fg">{inv.email}</span>
                    <span className="text-fg-muted">{inv.role}</span>
                    <span className="text-fg-subtle">until {formatDateTime(inv.expiresAt)}</span>
                    <code className="ml-auto truncate text-xs text-fg-muted">{inv.link}</code>
                    <Button size="sm" variant="danger" aria-label={`Revoke the invitation of ${inv.email}`} onClick={() => revoke.mutate({ invitationId: inv.id })}>
                      Revoke
                    </Button>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </main>
  );
}
