import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { handle, type RouteParams } from '../../../../../../../../server/rest/http';
import { versionFromPath } from '../../../../../../../../server/rest/registry-params';
import { attachmentDisposition } from '../../../../../../../../server/services/exports';
import { modelNameSchema, modelOnnxFile } from '../../../../../../../../server/services/model-versions';

export const dynamic = 'force-dynamic';

/** The version's ONNX file, as an attachment. */
export async function GET(_req: Request, { params }: RouteParams<{ name: string; version: string }>) {
  return handle(async () => {
    const p = await params;
    const file = await modelOnnxFile(modelNameSchema.parse(decodeURIComponent(p.name)), versionFromPath(p.version, 'Model'));
    return new Response(Readable.toWeb(createReadStream(file.path)) as ReadableStream<Uint8Array>, {
      headers: {
        'content-type': 'application/onnx',
        'content-length': String(file.sizeBytes),
        'content-disposition': attachmentDisposition(file.fileName),
        'x-content-type-options': 'nosniff',
      },
    });
  });
}
