// POST /api/v1/endpoints/{name}/predict on node:http directly (server/launcher/web-server.ts): the same
// checks, limits, request id and answers as the Next.js route (server/rest/predict-request.ts), without
// turning the request and the answer into fetch objects on the way.
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Socket } from 'node:net';
import { DEFAULT_PATIENCE_MS, HttpError, bodyTooLarge, checkJsonContentType, errorAnswer, parseJsonText, problem } from './http';
import { config } from '../infra/config';
import { unlessStuck } from '../infra/dependencies';
import { ServiceError, notFound } from '../infra/errors';
import { predict } from '../services/endpoints';
import { inCallerWorkspace } from './caller-workspace';
import { logRefusedPredict } from './predict-failure';
import { requestedSlot } from './predict-request';
import type { Slot } from '../infra/model-registry';
import { checkRequest, refusal } from './request-guard';
import { REQUEST_ID, predictBody } from './schemas';

export { PREDICT_PATH } from './predict-request';

function header(req: http.IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
}

/** The body as UTF-8 text, at most `maxBytes` (413 by Content-Length up front, or as soon as it streams past). */
function readBody(req: http.IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(bodyTooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Not read further: the answer closes the connection, which tells the sender to stop.
        cleanup();
        req.pause();
        reject(bodyTooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      try {
        resolve(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks, size)));
      } catch {
        reject(new ServiceError('invalid', 'The body is not valid UTF-8 text'));
      }
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      cleanup();
      reject(new ServiceError('invalid', 'The request was aborted before its body ended'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

async function send(res: http.ServerResponse, answer: Response, requestId?: string): Promise<void> {
  const body = Buffer.from(await answer.arrayBuffer());
  const headers: Record<string, string> = {};
  answer.headers.forEach((value, key) => (headers[key] = value));
  if (requestId) headers['x-request-id'] = requestId;
  headers['content-length'] = String(body.byteLength);
  res.writeHead(answer.status, headers);
  res.end(body);
}

/** The request's headers as a fetch `Headers` (what authentication reads). */
function headersOf(req: http.IncomingMessage): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return out;
}

export async function servePredict(req: http.IncomingMessage, res: http.ServerResponse, rawName: string, pathname: string): Promise<void> {
  const { port, host, allowedHosts } = config();
  const verdict = checkRequest({ method: req.method ?? 'POST', pathname, headers: { get: (n) => header(req, n) } }, { port, host, allowedHosts });
  if (!verdict.ok) return send(res, refusal(verdict));
  const given = header(req, 'x-request-id');
  if (given !== null && !REQUEST_ID.test(given)) {
    const error = 'X-Request-Id must be 1 to 200 visible ASCII characters (no spaces); a UUID is a good choice';
    return send(res, problem(400, error, { errors: [error], issues: [] }), randomUUID());
  }
  const requestId = given ?? randomUUID();
  // In the workspace of the request's credential: the endpoint's name is looked up there, and so is the
  // endpoint a refused request is logged against.
  try {
    await inCallerWorkspace(headersOf(req), () => scoreRequest(req, res, rawName, requestId));
  } catch (thrown) {
    // Authenticating failed (Postgres did not answer): answered like any other failure.
    await send(res, errorAnswer(thrown, requestId), requestId);
  }
}

async function scoreRequest(req: http.IncomingMessage, res: http.ServerResponse, rawName: string, requestId: string): Promise<void> {
  const { maxPredictBytes } = config();
  const started = performance.now();
  let slot: Slot | undefined;
  try {
    const answer = await unlessStuck(
      (async () => {
        checkJsonContentType(header(req, 'content-type'));
        const body = parseJsonText(await readBody(req, maxPredictBytes), predictBody);
        let name: string;
        try {
          name = decodeURIComponent(rawName);
        } catch {
          throw notFound(`Endpoint "${rawName}"`);
        }
        const url = req.url ?? '';
        const query = url.includes('?') ? new URLSearchParams(url.slice(url.indexOf('?') + 1)).get('slot') : null;
        slot = requestedSlot(query, header(req, 'x-millrace-slot'));
        return predict(name, body.rows, requestId, slot);
      })(),
      DEFAULT_PATIENCE_MS,
    );
    const payload = JSON.stringify(answer);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), 'x-request-id': requestId });
    res.end(payload);
  } catch (thrown) {
    if (thrown instanceof HttpError && thrown.status === 413) lingerOnClose(req.socket);
    const answer = errorAnswer(thrown, requestId);
    logRefusedPredict(rawName, thrown, { status: answer.status, requestId, started, slot });
    await send(res, answer, requestId);
  }
}

/**
 * After a refused body the answer says `connection: close`, and Node destroys the socket as soon as the
 * answer is written; the body bytes still unread then reset the connection, which can make the sender's
 * side drop the answer before reading it. Half-close instead, and destroy a second later.
 */
function lingerOnClose(socket: Socket): void {
  socket.destroySoon = function (this: Socket) {
    this.end();
    setTimeout(() => this.destroy(), 1000).unref();
  };
}
