'use client';

import { Keyboard } from 'lucide-react';
import { useEffect, useState } from 'react';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';

// The editor's keyboard shortcuts, listed in a dialog that "?" (or the toolbar's keyboard button) opens.

const SHORTCUTS: [keys: string, what: string][] = [
  ['Ctrl+S', 'Save a new version at once (the speech-bubble button saves with a message)'],
  ['Ctrl+Z', 'Undo'],
  ['Ctrl+Shift+Z  or  Ctrl+Y', 'Redo'],
  ['Ctrl+C', 'Copy the selected steps (with the edges between them)'],
  ['Ctrl+V', 'Paste copied steps, in this pipeline or another'],
  ['Ctrl+D', 'Duplicate the selected steps'],
  ['Delete  or  Backspace', 'Remove the selected steps and edges'],
  ['Shift+click, Ctrl+click', 'Add a step to the selection'],
  ['Shift+drag', 'Select the steps inside a box'],
  ['Ctrl+F', 'Find a step by id, label or type'],
  ['Right-click', 'The menu of a step, a selection, a note or the canvas'],
  ['ContextMenu  or  Shift+F10', 'The same menu for the focused step (or the canvas)'],
  ['↑ ↓, Enter, Escape (in a menu)', 'Move, pick, close'],
  ['Drag a step onto an edge', 'Put it into the edge (a→step→b), when its ports fit'],
  ['Enter (on a palette step)', 'Add it at a free spot'],
  ['Tab (in the canvas)', 'Move focus from step to step'],
  ['Enter  or  Space (on a step)', 'Select the focused step'],
  ['Arrow keys', 'Move the selected steps (with Shift, further)'],
  ['Inspector → Connections', 'Connect an input to another step\'s output without the mouse'],
  ['?', 'This list'],
];

export function ShortcutsButton() {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.key !== '?' || e.ctrlKey || e.metaKey || e.altKey) return;
      if (target?.closest?.('input, textarea, select, [contenteditable="true"], .monaco-editor')) return;
      e.preventDefault();
      setOpen(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <>
      <Button aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" size="icon" onClick={() => setOpen(true)}>
        <Keyboard aria-hidden />
      </Button>
      {open && (
        <Dialog title="Keyboard shortcuts" description="⌘ instead of Ctrl on a Mac." onClose={() => setOpen(false)}>
          <table className="mx-5 my-4 w-[calc(100%-2.5rem)] text-sm">
            <caption className="sr-only">Keyboard shortcuts of the editor</caption>
            <tbody>
              {SHORTCUTS.map(([keys, what]) => (
                <tr key={keys} className="border-t border-line first:border-t-0">
                  <th scope="row" className="py-1.5 pr-4 text-left font-mono text-xs font-medium whitespace-pre text-fg">
                    {keys}
                  </th>
                  <td className="py-1.5 text-fg-muted">{what}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <form method="dialog" className="flex justify-end border-t border-line px-5 py-3">
            <Button type="submit">Close</Button>
          </form>
        </Dialog>
      )}
    </>
  );
}
