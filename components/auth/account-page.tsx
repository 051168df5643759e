'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../ui/button';
import { formatDateTime } from '../ui/format';
import { authCall } from './auth-client';
import { Field, FormError } from './fields';
import { useMe } from './use-role';

interface SessionRow {
  id: string;
  token: string;
  createdAt: string;
  updatedAt: string;
  ipAddress?: string | null;
  userAgent?: string | null;
}

/** The signed-in person's own account: password and the devices signed in. */
export function AccountPage() {
  const me = useMe();
  const queryClient = useQueryClient();
  const sessions = useQuery({
    queryKey: ['account', 'sessions'],
    queryFn: async () => {
      const [list, mine] = await Promise.all([authCall<SessionRow[]>('GET', '/list-sessions'), authCall<{ session: { id: string } }>('GET', '/get-session')]);
      if (!list.ok) throw new Error(list.error ?? 'Cannot list the sessions');
      return { rows: list.data ?? [], current: mine.data?.session.id ?? null };
    },
  });
  const load = () => queryClient.invalidateQueries({ queryKey: ['account', 'sessions'] });
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');

  async function changePassword() {
    setError(null);
    setNotice(null);
    const answer = await authCall('POST', '/change-password', { currentPassword, newPassword, revokeOtherSessions: true });
    if (!answer.ok) return setError(answer.error);
    setCurrentPassword('');
    setNewPassword('');
    setNotice('Password changed; other devices are signed out.');
    void load();
  }

  async function signOutOthers() {
    setError(null);
    const answer = await authCall('POST', '/revoke-other-sessions', {});
    if (!answer.ok) return setError(answer.error);
    setNotice('Signed out on every other device.');
    void load();
  }

  return (
    <main className="mx-auto w-full max-w-2xl flex-1 px-6 py-8">
      <h1 className="text-xl font-semibold text-fg">Account</h1>
      {me.data && (
        <p className="mt-2 text-sm text-fg-muted">
          {me.data.name} · {me.data.email} · {me.data.role ?? 'no role'} in {me.data.workspace?.name ?? 'no workspace'}
        </p>
      )}
      <div className="mt-4 grid gap-2">
        <FormError message={error ?? sessions.error?.message ?? null} />
        {notice && (
          <p role="status" className="text-sm text-fg">
            {notice}
          </p>
        )}
      </div>

      <section aria-labelledby="password-heading" className="mt-6">
        <h2 id="password-heading" className="text-base font-semibold text-fg">
          Change password
        </h2>
        <form
          className="mt-3 grid max-w-sm gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            void changePassword();
          }}
        >
          <Field label="Current password" type="password" value={currentPassword} onChange={(e) => setCurrentPassword(e.target.value)} autoComplete="current-password" required />
          <Field
            label="New password (12 characters or more)"
            type="password"
            value={newPassword}
            onChange={(e) => setNewPassword(e.target.value)}
            autoComplete="new-password"
            minLength={12}
            maxLength={128}
            required
          />
          <Button type="submit" variant="primary">
            Change password
          </Button>
        </form>
      </section>

      <section aria-labelledby="sessions-heading" className="mt-8">
        <div className="flex items-center gap-3">
          <h2 id="sessions-heading" className="text-base font-semibold text-fg">
            Where you are signed in
          </h2>
          <Button size="sm" className="ml-auto" onClick={() => void signOutOthers()}>
            Sign out other sessions
          </Button>
        </div>
        <ul className="mt-3 divide-y divide-line text-sm">
          {(sessions.data?.rows ?? []).map((s) => (
            <li key={s.id} className="py-2">
              <span className="text-fg">{s.userAgent ?? 'Unknown browser'}</span>
              {s.id === sessions.data?.current && <strong className="ml-2 text-fg">(this session)</strong>}
              <span className="block text-fg-muted">
                {s.ipAddress ?? 'unknown address'} · since {formatDateTime(s.createdAt)}
              </span>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
