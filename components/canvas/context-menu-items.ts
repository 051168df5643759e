import type { XYPosition } from '@xyflow/react';

// The canvas's right-click menus, as data: what was right-clicked (a step, a note, a selection of several
// steps, the empty canvas) and the items offered for it, in order. An item runs one of the editor's actions;
// new items go in this list (and, if they need one, a new action in CanvasActions).

export type MenuTarget =
  | { kind: 'step'; nodeId: string }
  | { kind: 'selection'; nodeIds: string[] }
  | { kind: 'note'; noteId: string }
  /** `at`: where on the canvas (flow coordinates) the menu was opened. */
  | { kind: 'pane'; at: XYPosition };

export interface CanvasActions {
  rename(nodeId: string): void;
  duplicate(nodeIds: string[]): void;
  copy(nodeIds: string[]): void;
  remove(ids: string[]): void;
  addNote(at: XYPosition | { besideStep: string }): void;
  /** The note's next colour (yellow, blue, green, pink, yellow…). */
  recolorNote(noteFlowId: string): void;
  paste(at: XYPosition): void;
  canPaste(): boolean;
  addStepHere(at: XYPosition): void;
  autoLayout(): void;
  selectAll(): void;
  fitView(): void;
  /** Runs the step and its ancestors only, then shows its output (the inspector's Data tab). */
  previewUpTo(nodeId: string): void;
}

export interface ContextMenuItem {
  id: string;
  label: string;
  /** The key that does the same, shown beside the label. */
  shortcut?: string;
  /** The targets it is offered for. */
  on: MenuTarget['kind'][];
  /** Why it cannot be used now, if it cannot (shown disabled). */
  unavailable?: (target: MenuTarget, actions: CanvasActions) => string | undefined;
  run: (target: MenuTarget, actions: CanvasActions) => void;
}

const idsOf = (t: MenuTarget): string[] => (t.kind === 'step' ? [t.nodeId] : t.kind === 'selection' ? t.nodeIds : t.kind === 'note' ? [t.noteId] : []);
const atOf = (t: MenuTarget): XYPosition => (t.kind === 'pane' ? t.at : { x: 0, y: 0 });

export const contextMenuItems: ContextMenuItem[] = [
  { id: 'rename', label: 'Rename', on: ['step'], run: (t, a) => t.kind === 'step' && a.rename(t.nodeId) },
  { id: 'duplicate', label: 'Duplicate', shortcut: 'Ctrl+D', on: ['step', 'selection'], run: (t, a) => a.duplicate(idsOf(t)) },
  { id: 'copy', label: 'Copy', shortcut: 'Ctrl+C', on: ['step', 'selection'], run: (t, a) => a.copy(idsOf(t)) },
  { id: 'preview-up-to', label: 'Preview up to here', on: ['step'], run: (t, a) => t.kind === 'step' && a.previewUpTo(t.nodeId) },
  { id: 'add-note-step', label: 'Add a note', on: ['step'], run: (t, a) => t.kind === 'step' && a.addNote({ besideStep: t.nodeId }) },
  {
    id: 'paste',
    label: 'Paste',
    shortcut: 'Ctrl+V',
    on: ['pane'],
    unavailable: (_, a) => (a.canPaste() ? undefined : 'Nothing copied yet'),
    run: (t, a) => a.paste(atOf(t)),
  },
  { id: 'add-step', label: 'Add a step here', on: ['pane'], run: (t, a) => a.addStepHere(atOf(t)) },
  { id: 'add-note', label: 'Add a note', on: ['pane'], run: (t, a) => a.addNote(atOf(t)) },
  { id: 'auto-layout', label: 'Auto layout', on: ['pane'], run: (_, a) => a.autoLayout() },
  { id: 'select-all', label: 'Select all', on: ['pane'], run: (_, a) => a.selectAll() },
  { id: 'fit-view', label: 'Fit view', on: ['pane'], run: (_, a) => a.fitView() },
  { id: 'note-colour', label: 'Change colour', on: ['note'], run: (t, a) => t.kind === 'note' && a.recolorNote(t.noteId) },
  { id: 'delete', label: 'Delete', shortcut: 'Delete', on: ['step', 'selection', 'note'], run: (t, a) => a.remove(idsOf(t)) },
];

export function menuItemsFor(target: MenuTarget, items: readonly ContextMenuItem[] = contextMenuItems): ContextMenuItem[] {
  return items.filter((i) => i.on.includes(target.kind));
}

export function menuTitle(target: MenuTarget): string {
  switch (target.kind) {
    case 'step':
      return `Step ${target.nodeId}`;
    case 'selection':
      return `${target.nodeIds.length} selected steps`;
    case 'note':
      return 'Note';
    case 'pane':
      return 'Canvas';
  }
}
