import { and, desc, eq } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { datasets, datasetVersions } from '../../db/schema';
import type { ColumnInfo } from '../infra/duckdb';
import { isLatestVersion } from '../infra/dataset-registry';
import { config } from '../infra/config';
import { currentWorkspaceId } from '../infra/workspace';

// The ingest core lives in server/infra (the ingest steps use it too); the web side reads it from here.
export {
  DATASET_FORMATS,
  DATASET_NAME,
  datasetFormatOf,
  datasetNameSchema,
  ingestDatasetFile,
  ingestDatasetUpload,
  type DatasetFormat,
  type IngestedVersion,
} from '../infra/dataset-ingest';

export async function listDatasets(): Promise<
  { name: string; latestVersion: number; rows: number; columns: ColumnInfo[]; updatedAt: Date }[]
> {
  const workspaceId = currentWorkspaceId();
  const rows = await getDb()
    .selectDistinctOn([datasets.name], { name: datasets.name, v: datasetVersions })
    .from(datasets)
    .innerJoin(datasetVersions, eq(datasets.id, datasetVersions.datasetId))
    .where(and(eq(datasets.workspaceId, workspaceId), isLatestVersion))
    .orderBy(datasets.name, desc(datasetVersions.version));
  return rows.map((r) => ({
    name: r.name,
    latestVersion: r.v.version,
    rows: r.v.rows,
    columns: r.v.columns as ColumnInfo[],
    updatedAt: r.v.createdAt,
  }));
}

/** The largest upload the server takes (MILLRACE_MAX_UPLOAD_BYTES), so a browser can refuse a bigger file before sending it. */
export function uploadLimit(): { maxBytes: number } {
  return { maxBytes: config().maxUploadBytes };
}
