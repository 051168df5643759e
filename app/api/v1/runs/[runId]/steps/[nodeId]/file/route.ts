import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { route } from '../../../../../../../../server/rest/route';
import { attachmentDisposition, getExportedFile } from '../../../../../../../../server/services/exports';

export const dynamic = 'force-dynamic';

/** Streams the file an export step wrote, as an attachment. */
export const GET = route<{ runId: string; nodeId: string }>({ role: 'viewer' }, async (_req, { params: { runId, nodeId } }) => {
  const file = await getExportedFile(runId, decodeURIComponent(nodeId));
  const body = Readable.toWeb(createReadStream(file.path)) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      'content-type': file.mediaType,
      'content-length': String(file.sizeBytes),
      'content-disposition': attachmentDisposition(file.fileName),
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, max-age=0, must-revalidate',
    },
  });
});
