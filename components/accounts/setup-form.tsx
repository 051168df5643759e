'use client';

import { useId, useState } from 'react';
import { accountCall, reloadAt } from '../auth/auth-client';
import { Button } from '../ui/button';

const input = 'h-9 w-full rounded-md border border-line-strong bg-surface px-2 text-sm';

/** Posts the set-up link's token with the new admin's details; signed in on success, so it opens the overview. */
export function SetupForm() {
  const id = useId();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit() {
    setBusy(true);
    setError(null);
    const answer = await accountCall('POST', '/api/v1/setup', { token: window.location.hash.slice(1), name, email, password });
    // A full load: the header's account menu and the router's cache were made before the session existed.
    if (answer.ok) return reloadAt('/');
    setError(answer.error);
    setBusy(false);
  }

  return (
    <form
      className="mt-6 grid gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label className="grid gap-1 text-sm text-fg" htmlFor={`${id}-name`}>
        Name
        <input id={`${id}-name`} className={input} value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" required />
      </label>
      <label className="grid gap-1 text-sm text-fg" htmlFor={`${id}-email`}>
        Email
        <input id={`${id}-email`} type="email" className={input} value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" required />
      </label>
      <label className="grid gap-1 text-sm text-fg" htmlFor={`${id}-password`}>
        Password (12 characters or more)
        <input
          id={`${id}-password`}
          type="password"
          className={input}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="new-password"
          minLength={12}
          maxLength={128}
          required
        />
      </label>
      {error && (
        <p role="alert" className="text-sm text-bad-strong">
          {error}
        </p>
      )}
      <Button type="submit" variant="primary" disabled={busy}>
        {busy ? 'Creating…' : 'Create the admin account'}
      </Button>
    </form>
  );
}
