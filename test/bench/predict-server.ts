// The predict group's comparison servers, each a process of its own on a free port (it prints
// "LISTENING <port>"): plain node:http, no framework.
//   score <onnx> <meta.json>  the floor: JSON.parse, the scorer's validateRows + session.run on the same
//                             ONNX model, JSON.stringify — what any server answering these rows must do.
//   service                   Millrace's own predict service (endpoint resolution, learned transforms,
//                             validation, scoring, the batched log to Postgres) behind node:http instead
//                             of the Next.js route: the difference to the route is what Next itself costs.
import { inDefaultWorkspace } from '../support/default-workspace';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ModelMeta } from '../../server/infra/fitter';
import { loadModel, score } from '../../server/infra/scorer';

type Handler = (body: string, path: string) => Promise<{ status: number; body: string }>;

async function scoreHandler(onnxPath: string, metaPath: string): Promise<Handler> {
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as ModelMeta;
  const model = await loadModel(onnxPath, meta);
  return async (body) => {
    const { rows } = JSON.parse(body) as { rows: unknown[] };
    return { status: 200, body: JSON.stringify(await score(model, rows)) };
  };
}

async function serviceHandler(): Promise<Handler> {
  const { predict } = await inDefaultWorkspace(await import('../../server/services/endpoints'));
  const { predictBody } = await import('../../server/rest/schemas');
  return async (body, path) => {
    const name = decodeURIComponent(path.split('/')[4] ?? '');
    const parsed = predictBody.parse(JSON.parse(body));
    return { status: 200, body: JSON.stringify(await predict(name, parsed.rows, crypto.randomUUID())) };
  };
}

async function main() {
  const [mode, onnxPath, metaPath] = process.argv.slice(2);
  const handler = mode === 'score' ? await scoreHandler(onnxPath!, metaPath!) : await serviceHandler();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handler(Buffer.concat(chunks).toString('utf8'), req.url ?? '/').then(
        (out) => {
          res.writeHead(out.status, { 'content-type': 'application/json' });
          res.end(out.body);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: String(err) }));
        },
      );
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`LISTENING ${(server.address() as AddressInfo).port}\n`));
}

void main();
