import { desc, eq, sql } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { pipelineVersions } from '../../db/schema';
import { restoredMessage } from '../../workflows/core/version-message';
import { getPipelineVersionRow, savePipeline } from './pipelines';

/** Every version of a pipeline, newest first: who saved it, when, what they said and how many steps it has. */
export async function listPipelineVersions(name: string) {
  const latest = await getPipelineVersionRow(name);
  const rows = await getDb()
    .select({
      version: pipelineVersions.version,
      createdAt: pipelineVersions.createdAt,
      author: pipelineVersions.author,
      message: pipelineVersions.message,
      nodeCount: sql<number>`coalesce(jsonb_array_length(${pipelineVersions.document}->'nodes'), 0)`.mapWith(Number),
    })
    .from(pipelineVersions)
    .where(eq(pipelineVersions.pipelineId, latest.pipelineId))
    .orderBy(desc(pipelineVersions.version));
  return { name, latestVersion: latest.version, versions: rows };
}

/**
 * Saves an earlier version's document as the newest version, with the message "Restored from version N".
 * Restoring a document equal to the newest creates nothing (`created: false`).
 */
export async function restorePipelineVersion(name: string, version: number, author: string) {
  const row = await getPipelineVersionRow(name, version);
  return savePipeline(row.document, { name, author, message: restoredMessage(version) });
}
