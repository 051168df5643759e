'use client';

import { useEffect, useState } from 'react';
import { Button } from '../ui/button';
import { Spinner } from '../ui/states';
import { accountCall, authCall, reloadAt } from './auth-client';
import { Field, FormError } from './fields';
import { SignInForm } from './sign-in-form';
import { useMe } from './use-role';

interface Invitation {
  id: string;
  email: string;
  role: string | null;
  workspace: string;
  hasAccount: boolean;
}

type Loaded = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ok'; invitation: Invitation };

/** Shows what the invitation offers; a new person makes the account, someone with one signs in and accepts. */
export function InviteAccept({ invitationId }: { invitationId: string }) {
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const me = useMe();

  useEffect(() => {
    let live = true;
    void fetch(`/api/v1/invitations/${encodeURIComponent(invitationId)}`)
      .then(async (res) => {
        const data = (await res.json().catch(() => null)) as (Invitation & { error?: string }) | null;
        if (!live) return;
        if (res.ok && data) setLoaded({ state: 'ok', invitation: data });
        else setLoaded({ state: 'error', message: data?.error ?? `The server answered ${res.status}` });
      })
      .catch((err: Error) => live && setLoaded({ state: 'error', message: `Cannot reach Millrace: ${err.message}` }));
    return () => {
      live = false;
    };
  }, [invitationId]);

  async function acceptSignedIn() {
    const answer = await authCall('POST', '/organization/accept-invitation', { invitationId });
    if (answer.ok) reloadAt('/');
    else setError(answer.error);
  }

  async function createAccount() {
    setBusy(true);
    setError(null);
    const answer = await accountCall('POST', `/api/v1/invitations/${encodeURIComponent(invitationId)}/accept`, { name, password });
    if (answer.ok) return reloadAt('/');
    setError(answer.error);
    setBusy(false);
  }

  if (loaded.state === 'loading') return <Spinner label="Loading the invitation" />;
  if (loaded.state === 'error') {
    return (
      <>
        <h1 className="text-xl font-semibold text-fg">Invitation</h1>
        <FormError message={loaded.message} />
      </>
    );
  }
  const { invitation } = loaded;
  return (
    <>
      <h1 className="text-xl font-semibold text-fg">Join {invitation.workspace}</h1>
      <p className="mt-2 text-sm text-fg-muted">
        {invitation.email} is invited as <strong className="text-fg">{invitation.role}</strong>.
      </p>
      {invitation.hasAccount && me.data?.email?.toLowerCase() === invitation.email.toLowerCase() ? (
        <div className="mt-6 grid gap-3">
          <Button variant="primary" onClick={() => void acceptSignedIn()}>
            Accept and join
          </Button>
          <FormError message={error} />
        </div>
      ) : invitation.hasAccount ? (
        <>
          <p className="mt-4 text-sm text-fg-muted">Sign in as {invitation.email} to accept.</p>
          <SignInForm onSignedIn={acceptSignedIn} />
          <FormError message={error} />
        </>
      ) : (
        <form
          className="mt-6 grid gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            void createAccount();
          }}
        >
          <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" required />
          <Field
            label="Password (12 characters or more)"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="new-password"
            minLength={12}
            maxLength={128}
            required
          />
          <FormError message={error} />
          <Button type="submit" variant="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create account and join'}
          </Button>
        </form>
      )}
    </>
  );
}
