import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { UserMenu } from '../components/auth/user-menu';
import { NotificationBell } from '../components/notifications/bell';
import { Providers } from '../components/providers';
import { ThemeToggle } from '../components/ui/theme-toggle';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Millrace', template: '%s · Millrace' },
  description: 'Draw a machine-learning pipeline, run it durably, serve and monitor the model.',
};

function Logo() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden className="size-6">
      <rect width="24" height="24" rx="6" className="fill-accent" />
      <path d="M4 15c2.5 0 2.5-3 5-3s2.5 3 5 3 2.5-3 5-3" className="stroke-white" strokeWidth="2" fill="none" strokeLinecap="round" />
      <path d="M4 10c2.5 0 2.5-3 5-3s2.5 3 5 3 2.5-3 5-3" className="stroke-white/60" strokeWidth="2" fill="none" strokeLinecap="round" />
    </svg>
  );
}

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // public/theme.js sets the theme class on <html> before React hydrates.
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* eslint-disable-next-line @next/next/no-sync-scripts -- must run before the first paint */}
        <script src="/theme.js" />
      </head>
      <body className="flex min-h-full flex-col">
        <Providers>
          <header className="sticky top-0 z-30 h-12 border-b border-line bg-surface/90 backdrop-blur">
            <div className="flex h-full items-center gap-6 px-5">
              <Link href="/" className="flex items-center gap-2 text-[15px] font-semibold tracking-tight text-fg">
                <Logo />
                Millrace
              </Link>
              <nav aria-label="Main" className="flex items-center gap-1 text-sm">
                <Link href="/" className="rounded-md px-2.5 py-1.5 text-fg-muted hover:bg-subtle hover:text-fg">
                  Overview
                </Link>
                <Link href="/runs" className="rounded-md px-2.5 py-1.5 text-fg-muted hover:bg-subtle hover:text-fg">
                  Runs
                </Link>
                <Link href="/models" className="rounded-md px-2.5 py-1.5 text-fg-muted hover:bg-subtle hover:text-fg">
                  Models
                </Link>
                <Link href="/datasets" className="rounded-md px-2.5 py-1.5 text-fg-muted hover:bg-subtle hover:text-fg">
                  Datasets
                </Link>
                <Link href="/schedules" className="rounded-md px-2.5 py-1.5 text-fg-muted hover:bg-subtle hover:text-fg">
                  Schedules
                </Link>
              </nav>
              <div className="ml-auto flex items-center gap-1">
                <ThemeToggle />
                <NotificationBell />
                <UserMenu />
              </div>
            </div>
          </header>
          <div className="flex min-h-0 flex-1 flex-col">{children}</div>
        </Providers>
      </body>
    </html>
  );
}
