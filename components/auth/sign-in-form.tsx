'use client';

import { useState } from 'react';
import { safeNext } from '../../workflows/core/safe-next';
import { Button } from '../ui/button';
import { authCall, reloadAt } from './auth-client';
import { Field, FormError } from './fields';

/** Email and password; on success a full load of the page the visitor came from. */
export function SignInForm({ next, onSignedIn }: { next?: string; onSignedIn?: () => Promise<void> }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit() {
    setBusy(true);
    setError(null);
    const answer = await authCall('POST', '/sign-in/email', { email, password });
    if (!answer.ok) {
      setError(answer.status === 401 ? 'Wrong email or password.' : answer.error);
      setBusy(false);
      return;
    }
    if (onSignedIn) await onSignedIn();
    else reloadAt(safeNext(next));
  }

  return (
    <form
      className="mt-6 grid gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Field label="Email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" required />
      <Field label="Password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required />
      <FormError message={error} />
      <Button type="submit" variant="primary" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
