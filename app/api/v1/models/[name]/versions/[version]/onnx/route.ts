import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { versionFromPath } from '../../../../../../../../server/rest/registry-params';
import { route } from '../../../../../../../../server/rest/route';
import { attachmentDisposition } from '../../../../../../../../server/services/exports';
import { modelNameSchema, modelOnnxFile } from '../../../../../../../../server/services/model-versions';

export const dynamic = 'force-dynamic';

/** The version's ONNX file, as an attachment. */
export const GET = route<{ name: string; version: string }>({ role: 'viewer' }, async (_req, { params: p }) => {
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
