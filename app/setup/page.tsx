import type { Metadata } from 'next';
import { SetupForm } from '../../components/accounts/setup-form';

export const metadata: Metadata = { title: 'Create the admin account' };

/** The first-start set-up link lands here; the one-time token is in the URL fragment, read by the form. */
export default function SetupPage() {
  return (
    <main className="mx-auto w-full max-w-sm flex-1 px-6 py-16">
      <h1 className="text-xl font-semibold text-fg">Create the admin account</h1>
      <p className="mt-2 text-sm text-fg-muted">
        This account manages the Default workspace: its members, tokens and connections. The link works once.
      </p>
      <SetupForm />
    </main>
  );
}
