'use client';

import { useQuery } from '@tanstack/react-query';
import type { PipelineDocument } from '../../workflows/core/document';
import { useTRPC } from '../trpc';

/** A template's document under a new pipeline's name, when the editor was opened with `?template=`. */
export function useTemplateDocument(template: string | undefined, name: string) {
  const trpc = useTRPC();
  const query = useQuery(trpc.templates.document.queryOptions({ id: template ?? '', name }, { enabled: Boolean(template), staleTime: Infinity }));
  return {
    pending: Boolean(template) && query.isPending,
    error: query.error?.message,
    document: template ? (query.data as PipelineDocument | undefined) : undefined,
  };
}
