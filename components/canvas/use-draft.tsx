'use client';

import { useEffect, useState } from 'react';
import { canonicalJson } from '../../workflows/core/canonical-json';
import type { PipelineDocument } from '../../workflows/core/document';
import { draftBaseNote, readDraft, removeDraft, writeDraft, type Draft } from './draft-storage';
import { Button } from '../ui/button';
import { formatRelative } from '../ui/format';
import type { EditorAction } from './editor-store';
import { fromDocument, toNoteFlowNode } from './graph-model';

// Nothing typed is lost: while the editor has unsaved changes its document is kept in this browser's
// localStorage, per pipeline (new unsaved ones too), and offered back when the pipeline is opened again.

const WRITE_AFTER_MS = 500;

/**
 * Keeps the editor's unsaved document as a draft and, on opening, offers one left from before:
 * "You have unsaved changes from 5 minutes ago — Restore / Discard". Saving (or undoing back to what is
 * saved) clears it, and so does Discard.
 */
export function useDraft({
  name,
  document,
  documentJson,
  savedJson,
  dirty,
  version,
  latestVersion,
  dispatch,
}: {
  name: string;
  document: PipelineDocument;
  documentJson: string;
  /** Canonical JSON of what is saved (or, for a new pipeline, the blank document it opened with). */
  savedJson: string;
  dirty: boolean;
  /** The version being edited. */
  version?: number;
  /** The newest saved version of the pipeline. */
  latestVersion?: number;
  dispatch: (action: EditorAction) => void;
}) {
  // The draft left from before, if it says something the saved document does not; null: nothing to offer.
  // (The editor renders in the browser only: it waits for the pipeline's query.)
  const [offer, setOffer] = useState<Draft | null>(() => {
    if (typeof window === 'undefined') return null;
    const draft = readDraft(name);
    return draft && canonicalJson(draft.document) !== savedJson ? draft : null;
  });

  // Until the offer is answered, the draft stays as it is.
  const answered = offer === null;
  useEffect(() => {
    if (!answered) return;
    if (!(dirty && documentJson !== savedJson)) {
      removeDraft(name);
      return;
    }
    const timer = setTimeout(() => writeDraft({ document, baseVersion: version, savedAt: new Date().toISOString() }), WRITE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [answered, dirty, documentJson, savedJson, document, version, name]);

  if (!offer) return { banner: null };
  const note = draftBaseNote(offer.baseVersion, latestVersion);
  const restore = () => {
    const { nodes, edges } = fromDocument(offer.document);
    dispatch({
      type: 'replace',
      state: { nodes, edges, notes: (offer.document.notes ?? []).map(toNoteFlowNode), description: offer.document.description, parameters: offer.document.parameters },
    });
    setOffer(null);
  };
  const discard = () => {
    removeDraft(name);
    setOffer(null);
  };
  const banner = (
    <div role="region" aria-label="Unsaved draft" className="z-10 flex shrink-0 flex-wrap items-center gap-3 border-b border-warn/40 bg-warn-soft px-4 py-2 text-sm text-fg">
      <p className="min-w-0">
        You have unsaved changes from {formatRelative(offer.savedAt)}.{note && <span className="ml-1 font-medium text-warn-strong">{note}</span>}
      </p>
      <div className="ml-auto flex gap-2">
        <Button size="sm" variant="primary" onClick={restore}>
          Restore
        </Button>
        <Button size="sm" onClick={discard}>
          Discard
        </Button>
      </div>
    </div>
  );
  return { banner };
}
