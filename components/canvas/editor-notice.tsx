'use client';

import { X } from 'lucide-react';
import { useEffect } from 'react';
import { cn } from '../ui/cn';

export type Notice = { tone: 'ok' | 'bad' | 'info'; text: string };

/**
 * The editor's one-line message over the canvas ("Saved version 3", a refused connection). It goes by
 * itself after a few seconds or with its close button, and only its own box takes pointer events, so
 * the canvas beside it stays usable.
 */
export function EditorNotice({ notice, onClose }: { notice?: Notice; onClose: () => void }) {
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(onClose, notice.tone === 'bad' ? 7000 : 5000);
    return () => clearTimeout(timer);
  }, [notice, onClose]);
  return (
    <div aria-live="polite" className="pointer-events-none absolute inset-x-0 top-3 z-10 flex justify-center px-4">
      {notice && (
        <div
          role={notice.tone === 'bad' ? 'alert' : 'status'}
          className={cn(
            'pointer-events-auto flex max-w-xl items-start gap-2 rounded-lg border py-2 pr-1.5 pl-3.5 text-sm shadow-(--shadow-pop)',
            notice.tone === 'ok' && 'border-ok/30 bg-ok-soft text-ok-strong',
            notice.tone === 'bad' && 'border-bad/30 bg-bad-soft text-bad-strong',
            notice.tone === 'info' && 'border-line bg-surface text-fg',
          )}
        >
          <p className="min-w-0">{notice.text}</p>
          <button type="button" aria-label="Close message" onClick={onClose} className="shrink-0 rounded p-0.5 opacity-70 hover:bg-black/5 hover:opacity-100">
            <X aria-hidden className="size-4" />
          </button>
        </div>
      )}
    </div>
  );
}
