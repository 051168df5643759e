import { config } from '../../../../server/infra/config';
import { ServiceError } from '../../../../server/infra/errors';
import { json, problem } from '../../../../server/rest/http';
import { route } from '../../../../server/rest/route';
import { datasetFormatOf, datasetNameSchema, ingestDatasetUpload, listDatasets } from '../../../../server/services/datasets';
import { uploadTooLarge } from '../../../../server/infra/upload-file';

export const dynamic = 'force-dynamic';

// proxy.ts skips this route (uploads are big): the request guard runs here (`guard`), before the caller is checked.
export const GET = route({ role: 'viewer' }, async () => json({ datasets: await listDatasets() }), { guard: true });

/** A 413 that also closes the connection, so the client stops sending the rest of the body. */
function tooLarge(err: ServiceError): Response {
  return json({ error: err.message, ...(err.details as Record<string, unknown>) }, 413, { connection: 'close' });
}

/**
 * Body is the file itself; Content-Type says CSV, JSON (array of objects), NDJSON or Parquet. The body is
 * streamed to a temporary file (never held in memory) and refused with 413 past MILLRACE_MAX_UPLOAD_BYTES.
 */
export const POST = route(
  { role: 'editor', audit: 'dataset.version_created' },
  async (req) => {
    const name = new URL(req.url).searchParams.get('name');
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
    const maxBytes = config().maxUploadBytes;
    const declared = Number(req.headers.get('content-length') ?? NaN);
    if (declared > maxBytes) return tooLarge(uploadTooLarge(maxBytes));
    if (!req.body) return problem(400, 'The uploaded file is empty');
    try {
      const v = await ingestDatasetUpload({ name: parsedName.data, format, body: req.body, maxBytes });
      return json(
        { name: v.name, version: v.version, rows: v.rows, columns: v.columns, created: v.created, ...(v.warnings.length ? { warnings: v.warnings } : {}) },
        v.created ? 201 : 200,
      );
    } catch (err) {
      if (err instanceof ServiceError && err.code === 'too_large') return tooLarge(err);
      throw err;
    }
  },
  { guard: true },
);
