'use client';

import { loader } from '@monaco-editor/react';
import * as monaco from 'monaco-editor';

// Monaco from the local package (no CDN), for every editor on the page: the loader hands out this copy,
// and its web workers are bundled by the app — JSON's language service in its own worker, everything
// else in the generic editor worker. Imported only in the browser (the editors load with next/dynamic).

loader.config({ monaco });
const env = globalThis as unknown as { MonacoEnvironment?: { getWorker(id: string, label: string): Worker } };
env.MonacoEnvironment ??= {
  getWorker: (_id, label) =>
    label === 'json'
      ? new Worker(new URL('./monaco-json-worker.ts', import.meta.url), { type: 'module', name: 'monaco-json' })
      : new Worker(new URL('./monaco-worker.ts', import.meta.url), { type: 'module', name: 'monaco-editor' }),
};

export { monaco };
