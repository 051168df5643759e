import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '../../db/client';
import { runSteps } from '../../db/schema';
import { artifactStore } from '../infra/artifact-store';
import { notFound, ServiceError } from '../infra/errors';
import { requireRunOfThisWorkspace } from './run-scope';

// Files that export steps wrote, for download from the run page and by scripts.

const exportedRef = z.object({
  kind: z.literal('report'),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  meta: z.object({ fileName: z.string().min(1), mediaType: z.string().min(1), sizeBytes: z.number().int().nonnegative() }),
});

export interface ExportedFile {
  path: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
}

/** The file a step of a run exported (its "file" output). */
export async function getExportedFile(runId: string, nodeId: string): Promise<ExportedFile> {
  if (!/^[0-9a-f-]{36}$/i.test(runId)) throw notFound(`Run "${runId}"`);
  await requireRunOfThisWorkspace(runId);
  const [step] = await getDb()
    .select({ status: runSteps.status, outputs: runSteps.outputs })
    .from(runSteps)
    .where(and(eq(runSteps.runId, runId), eq(runSteps.nodeId, nodeId)));
  if (!step) throw notFound(`Step "${nodeId}" of run ${runId}`);
  const file = (step.outputs as Record<string, unknown> | null)?.file;
  if (file === undefined) {
    throw new ServiceError('not_found', `Step "${nodeId}" of run ${runId} has no exported file (status: ${step.status})`);
  }
  const ref = exportedRef.safeParse(file);
  if (!ref.success) throw new ServiceError('not_found', `Step "${nodeId}" of run ${runId} has no exported file`);
  return { path: await artifactStore().localPath(ref.data.hash), ...ref.data.meta };
}

/** A Content-Disposition header for a download: an ASCII fallback and the exact UTF-8 name (RFC 6266). */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  // RFC 5987 allows fewer characters unescaped than encodeURIComponent leaves alone.
  const encoded = encodeURIComponent(fileName).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
