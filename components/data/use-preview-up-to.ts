'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import { useTRPC } from '../trpc';

export interface PreviewUpTo {
  /** Saves the pipeline if it has unsaved edits, then starts a run of `nodeId` and its ancestors only. */
  start: (nodeId: string) => Promise<void>;
  /** The preview run started last (its step), while the editor is open. */
  active?: { nodeId: string; runId: string };
  /** Why the last start was refused, for the step it was about. */
  problem?: { nodeId: string; message: string };
  starting: boolean;
  /** True the first time it is asked for a run: the finished preview's output opens once, not on every return to the tab. */
  claimOpening: (runId: string) => boolean;
}

/**
 * "Preview up to here" for the editor: the inspector's Data view and the canvas's menu call `start`; the Data
 * view shows the run's progress and opens the step's output when it is done.
 */
export function usePreviewUpTo({
  pipeline,
  version,
  dirty,
  save,
}: {
  pipeline: string;
  version: number | undefined;
  dirty: boolean;
  /** Saves the document; the saved version, or undefined when it was not saved (the editor says why). */
  save: () => Promise<number | undefined>;
}): PreviewUpTo {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mutation = useMutation(trpc.runData.previewUpTo.mutationOptions());
  const [active, setActive] = useState<PreviewUpTo['active']>();
  const [problem, setProblem] = useState<PreviewUpTo['problem']>();
  const start = useCallback(
    async (nodeId: string) => {
      setProblem(undefined);
      let v = version;
      if (dirty || v === undefined) {
        v = await save();
        if (v === undefined) {
          setProblem({ nodeId, message: 'Not started: the pipeline could not be saved (see the notice above the canvas).' });
          return;
        }
      }
      try {
        const started = await mutation.mutateAsync({ pipeline, version: v, nodeId });
        if (!started.ok) {
          setProblem({ nodeId, message: `Not started: ${started.errors[0]?.message ?? 'the pipeline cannot run as it is'}` });
          return;
        }
        setActive({ nodeId, runId: started.runId });
        void queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() });
      } catch (err) {
        setProblem({ nodeId, message: (err as Error).message });
      }
    },
    [version, dirty, save, mutation, pipeline, queryClient, trpc],
  );
  const opened = useRef(new Set<string>());
  const claimOpening = useCallback((runId: string) => {
    if (opened.current.has(runId)) return false;
    opened.current.add(runId);
    return true;
  }, []);
  return { start, active, problem, starting: mutation.isPending, claimOpening };
}
