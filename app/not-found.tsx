import Link from 'next/link';
import { buttonClasses } from '../components/ui/button';

export default function NotFound() {
  return (
    <main className="mx-auto flex max-w-md flex-1 flex-col items-center justify-center px-6 py-24 text-center">
      <p className="text-sm font-semibold text-accent-strong">404</p>
      <h1 className="mt-1 text-xl font-semibold text-fg">This page does not exist</h1>
      <p className="mt-2 text-sm text-fg-muted">The pipeline or run may have been named differently.</p>
      <Link href="/" className={`${buttonClasses('secondary')} mt-6`}>
        Back to overview
      </Link>
    </main>
  );
}
