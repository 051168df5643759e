'use client';

import dynamic from 'next/dynamic';
import type { SqlEditorProps } from './sql-editor';

/** Monaco touches the DOM when it loads: it is imported in the browser only, on first use. */
export const SqlEditor = dynamic<SqlEditorProps>(() => import('./sql-editor'), {
  ssr: false,
  loading: () => (
    <div role="status" aria-label="Loading the SQL editor" className="h-[76px] animate-pulse rounded-md border border-line-strong bg-subtle" />
  ),
});
