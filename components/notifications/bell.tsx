'use client';

import { useQuery } from '@tanstack/react-query';
import { Bell } from 'lucide-react';
import Link from 'next/link';
import { useTRPC } from '../trpc';

/** The header's bell: unread notifications, linking to the list. */
export function NotificationBell() {
  const trpc = useTRPC();
  const unread = useQuery(trpc.notifications.unreadCount.queryOptions(undefined, { refetchInterval: 5000 }));
  const n = unread.data ?? 0;
  return (
    <Link
      href="/notifications"
      aria-label={n ? `Notifications, ${n} unread` : 'Notifications'}
      className="relative inline-flex size-8 items-center justify-center rounded-md text-fg-muted hover:bg-subtle hover:text-fg"
    >
      <Bell aria-hidden className="size-4" />
      {n > 0 && (
        <span aria-hidden className="absolute -top-0.5 -right-0.5 min-w-4 rounded-full bg-bad px-1 text-center text-[10px] leading-4 font-semibold text-white">
          {n > 99 ? '99+' : n}
        </span>
      )}
    </Link>
  );
}
