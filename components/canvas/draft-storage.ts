import { pipelineDocumentSchema, type PipelineDocument } from '../../workflows/core/document';

// Drafts of unsaved pipelines in this browser's localStorage, one per pipeline.

export function draftKey(name: string): string {
  return `millrace:draft:${name}`;
}

export interface Draft {
  document: PipelineDocument;
  /** The saved version the edits started from; none for a pipeline never saved. */
  baseVersion?: number;
  savedAt: string;
}

type DraftStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export function readDraft(name: string, store?: DraftStore): Draft | undefined {
  try {
    const raw = (store ?? window.localStorage).getItem(draftKey(name));
    if (!raw) return undefined;
    const stored = JSON.parse(raw) as Partial<Draft>;
    const document = pipelineDocumentSchema.safeParse(stored.document);
    if (!document.success || document.data.name !== name || typeof stored.savedAt !== 'string') return undefined;
    return { document: document.data, baseVersion: typeof stored.baseVersion === 'number' ? stored.baseVersion : undefined, savedAt: stored.savedAt };
  } catch {
    return undefined; // storage blocked, or not ours
  }
}

export function writeDraft(draft: Draft, store?: DraftStore) {
  try {
    (store ?? window.localStorage).setItem(draftKey(draft.document.name), JSON.stringify(draft));
  } catch {
    // Full or blocked storage: the leave guard still asks before edits are left behind.
  }
}

export function removeDraft(name: string, store?: DraftStore) {
  try {
    (store ?? window.localStorage).removeItem(draftKey(name));
  } catch {
    // as above
  }
}

/** What the offer says about the saved pipeline having moved on since the draft was started. */
export function draftBaseNote(baseVersion: number | undefined, latestVersion: number | undefined): string | undefined {
  if (latestVersion === undefined || baseVersion === latestVersion) return undefined;
  if (baseVersion === undefined) return `The pipeline has been saved since (version ${latestVersion}); restoring puts your draft in its place.`;
  return `The saved pipeline has changed since: your draft started from version ${baseVersion}, the newest is version ${latestVersion}.`;
}
