import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { handle, type RouteParams } from '../../../../../../../../server/rest/http';
import { attachmentDisposition, getExportedFile } from '../../../../../../../../server/services/exports';

export const dynamic = 'force-dynamic';

/** Streams the file an export step wrote, as an attachment. */
export async function GET(_req: Request, { params }: RouteParams<{ runId: string; nodeId: string }>) {
  return handle(async () => {
    const { runId, nodeId } = await params;
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
}
