'use client';

import { MessageSquarePlus } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { VERSION_MESSAGE_MAX } from '../../workflows/core/version-message';
import { useRole } from '../auth/use-role';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';

// Saving with a few words about the change; Save itself and Ctrl+S save at once, without asking.

/** The toolbar button that opens the "Save with a message" dialog. */
export function SaveWithMessageButton({ disabled, onSave }: { disabled: boolean; onSave: (message: string) => Promise<boolean> }) {
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState('');
  const [saving, setSaving] = useState(false);
  const editing = useRole().can('editor');
  return (
    <>
      <Button aria-label="Save with a message" title={editing.reason ?? 'Save with a message about the change'} size="icon" disabled={disabled || !editing.allowed} onClick={() => setOpen(true)}>
        <MessageSquarePlus aria-hidden />
      </Button>
      {open && (
        <Dialog title="Save a new version" description="Say what changed; the versions page lists it with the version." onClose={() => setOpen(false)}>
          <form
            onSubmit={async (e) => {
              e.preventDefault();
              setSaving(true);
              const saved = await onSave(message);
              setSaving(false);
              if (saved) {
                setMessage('');
                setOpen(false);
              }
            }}
          >
            <div className="px-5 py-4">
              <label htmlFor="version-message" className="mb-1 block text-sm font-medium text-fg">
                Message (optional)
              </label>
              <textarea
                id="version-message"
                autoFocus
                rows={3}
                maxLength={VERSION_MESSAGE_MAX}
                value={message}
                onChange={(e) => setMessage(e.target.value)}
                placeholder="e.g. More trees, stricter gate"
                className="w-full rounded-md border border-line-strong bg-surface px-2 py-1.5 text-sm"
              />
              <p className="mt-1 text-xs text-fg-subtle">
                {message.length} / {VERSION_MESSAGE_MAX}
              </p>
            </div>
            <div className="flex justify-end gap-2 border-t border-line px-5 py-3">
              <Button onClick={() => setOpen(false)}>Cancel</Button>
              <Button type="submit" variant="primary" disabled={saving || disabled}>
                Save version
              </Button>
            </div>
          </form>
        </Dialog>
      )}
    </>
  );
}

/** Ctrl+S (⌘S) saves at once, also from a field; the browser's own "Save page" never opens in the editor. */
export function useSaveShortcut(save: () => void) {
  const latest = useRef(save);
  useEffect(() => {
    latest.current = save;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey || e.key.toLowerCase() !== 's') return;
      e.preventDefault();
      // Not while a dialog is open: it has its own buttons.
      if (document.querySelector('dialog[open]')) return;
      latest.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
