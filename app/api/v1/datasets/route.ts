import type { NextRequest } from 'next/server';
import { handle, json, problem, refuseUnsafeRequest } from '../../../../server/rest/http';
import { datasetFormatOf, datasetNameSchema, ingestDatasetBytes, listDatasets } from '../../../../server/services/datasets';

export const dynamic = 'force-dynamic';

// proxy.ts skips this route (uploads are big): the request guard runs here.
export async function GET(req: Request) {
  const refused = refuseUnsafeRequest(req);
  if (refused) return refused;
  return handle(async () => json({ datasets: await listDatasets() }));
}

/** Body is the file itself; Content-Type says CSV, JSON (array of objects), NDJSON or Parquet. */
export async function POST(req: NextRequest) {
  const refused = refuseUnsafeRequest(req);
  if (refused) return refused;
  return handle(async () => {
    const name = req.nextUrl.searchParams.get('name');
    if (!name) return problem(400, 'Give the dataset a name: POST /api/v1/datasets?name=NAME');
    const parsedName = datasetNameSchema.safeParse(name);
    if (!parsedName.success) return problem(400, parsedName.error.issues[0]!.message);
    const contentType = req.headers.get('content-type');
    const format = datasetFormatOf(contentType);
    if (!format) {
      return problem(
        415,
        `Unsupported Content-Type "${contentType ?? ''}": use text/csv, application/json, application/x-ndjson or application/vnd.apache.parquet`,
      );
    }
    const bytes = new Uint8Array(await req.arrayBuffer());
    const v = await ingestDatasetBytes({ name: parsedName.data, bytes, format });
    return json({ name: v.name, version: v.version, rows: v.rows, columns: v.columns, created: v.created }, v.created ? 201 : 200);
  });
}
