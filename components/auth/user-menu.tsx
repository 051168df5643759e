'use client';

import { ChevronDown, UserRound } from 'lucide-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useId, useRef, useState } from 'react';
import { buttonClasses } from '../ui/button';
import { authCall, reloadAt } from './auth-client';
import { useMe } from './use-role';

const item = 'block w-full rounded-md px-2.5 py-1.5 text-left text-sm text-fg hover:bg-subtle disabled:text-fg-subtle';

/** The header's account menu: who is signed in, in which workspace and role, and the account's pages. */
export function UserMenu() {
  const me = useMe();
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  if (!me.data) {
    if (me.isPending || /^\/(sign-in|setup|invite)\b/.test(pathname)) return null;
    return (
      <Link href={`/sign-in?next=${encodeURIComponent(pathname)}`} className={buttonClasses('ghost', 'sm')}>
        Sign in
      </Link>
    );
  }
  const { name, role, workspace, workspaces, kind, auth } = me.data;
  const isAdmin = role === 'admin';

  async function call(path: string, body: unknown, after: () => void) {
    setError(null);
    const answer = await authCall('POST', path, body);
    if (answer.ok) after();
    else setError(answer.error);
  }

  return (
    <div ref={root} className="relative">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        className="inline-flex h-8 items-center gap-2 rounded-md px-2 text-sm text-fg-muted hover:bg-subtle hover:text-fg"
      >
        <UserRound aria-hidden className="size-4" />
        <span className="font-medium text-fg">{name}</span>
        <span className="text-fg-subtle">
          {workspace?.name ?? 'No workspace'}
          {role ? ` · ${role}` : ''}
        </span>
        <ChevronDown aria-hidden className="size-3.5" />
      </button>
      {open && (
        <div id={panelId} className="absolute right-0 z-40 mt-1 w-64 rounded-lg border border-line bg-surface p-1.5 shadow-lg">
          {workspaces.length > 1 && kind === 'user' && (
            <label className="mb-1.5 grid gap-1 px-2.5 pt-1 text-xs text-fg-muted">
              Workspace
              <select
                className="h-8 rounded-md border border-line-strong bg-surface px-1.5 text-sm text-fg"
                value={workspace?.id ?? ''}
                onChange={(e) => void call('/organization/set-active', { organizationId: e.target.value }, () => reloadAt(pathname))}
              >
                {workspaces.map((w) => (
                  <option key={w.id} value={w.id}>
                    {w.name} ({w.role})
                  </option>
                ))}
              </select>
            </label>
          )}
          <nav aria-label="Account" className="grid" onClick={() => setOpen(false)}>
            {kind === 'user' && (
              <Link href="/account" className={item}>
                Account
              </Link>
            )}
            {isAdmin && (
              <>
                <Link href="/settings/members" className={item}>
                  Members
                </Link>
                <Link href="/settings/tokens" className={item}>
                  API tokens
                </Link>
                <Link href="/settings/audit" className={item}>
                  Audit log
                </Link>
              </>
            )}
          </nav>
          {kind === 'user' && auth === 'on' && (
            <div className="mt-1 grid border-t border-line pt-1">
              <button type="button" className={item} onClick={() => void call('/sign-out', {}, () => reloadAt('/sign-in'))}>
                Sign out
              </button>
              <button type="button" className={item} onClick={() => void call('/revoke-sessions', {}, () => reloadAt('/sign-in'))}>
                Sign out everywhere
              </button>
            </div>
          )}
          {error && (
            <p role="alert" className="px-2.5 py-1 text-xs text-bad-strong">
              {error}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
