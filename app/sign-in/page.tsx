import type { Metadata } from 'next';
import { SignInForm } from '../../components/auth/sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

/** Pages send a visitor without a session here, with `next` = the page to go back to. */
export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  return (
    <main className="mx-auto w-full max-w-sm flex-1 px-6 py-16">
      <h1 className="text-xl font-semibold text-fg">Sign in to Millrace</h1>
      <p className="mt-2 text-sm text-fg-muted">No account yet? Ask an admin of your workspace for an invite link.</p>
      <SignInForm next={typeof next === 'string' ? next : undefined} />
    </main>
  );
}
