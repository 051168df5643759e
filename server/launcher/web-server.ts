// The web app in production (`npm start`): Next.js behind a plain node:http server that answers
// POST /api/v1/endpoints/{name}/predict itself. Measured (test/bench/README.md, predict group), the Next.js
// route layer cost several milliseconds of CPU per request — 30× the scoring — so the one hot path skips
// it; it runs the same code as the route (server/rest/predict-request.ts): request guard, body limits,
// request id, errors. Everything else goes to Next.js unchanged.
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import next from 'next';
import { config } from '../infra/config';
import { PREDICT_PATH, answerPredict } from '../rest/predict-request';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The node request as a fetch Request whose body streams in; cancelling it stops reading without closing the socket. */
function toRequest(req: http.IncomingMessage): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.on('end', () => controller.close());
      req.on('error', (err) => controller.error(err));
    },
    pull: () => void req.resume(),
    // A refused body is not read further; the answer says `connection: close`, which ends the socket.
    cancel: () => void req.pause(),
  });
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
    method: req.method,
    headers,
    body,
    duplex: 'half',
  } as RequestInit);
}

async function servePredict(req: http.IncomingMessage, res: http.ServerResponse, name: string): Promise<void> {
  let answer: Response;
  try {
    answer = await answerPredict(toRequest(req), decodeURIComponent(name));
  } catch (err) {
    console.error('[millrace] predict failed outside its handler:', err);
    answer = new Response(JSON.stringify({ error: 'Internal error' }), { status: 500, headers: { 'content-type': 'application/json' } });
  }
  const body = Buffer.from(await answer.arrayBuffer());
  const headers: Record<string, string> = {};
  answer.headers.forEach((value, key) => (headers[key] = value));
  headers['content-length'] = String(body.byteLength);
  res.writeHead(answer.status, headers);
  res.end(body);
}

async function main(): Promise<void> {
  const { port, host } = config();
  const app = next({ dev: false, dir: root, hostname: host, port });
  await app.prepare();
  const handleNext = app.getRequestHandler();
  const server = http.createServer((req, res) => {
    if (req.method === 'POST') {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const match = PREDICT_PATH.exec(q < 0 ? url : url.slice(0, q));
      if (match) return void servePredict(req, res, match[1]!);
    }
    void handleNext(req, res);
  });
  server.listen(port, host, () => console.log(`[millrace] web app listening on ${host}:${port}`));
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
