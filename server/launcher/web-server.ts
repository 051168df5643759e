// The web app (`npm start`, and `npm run dev` with `--dev`): Next.js behind a plain node:http server that answers
// POST /api/v1/endpoints/{name}/predict itself. Measured (test/bench/README.md, predict group), the Next.js
// route layer cost about 4 ms per request — 40× the scoring — so the one hot path skips it, with the
// same checks and answers as the route (server/rest/predict-node.ts): request guard, body limits,
// request id, errors. Everything else goes to Next.js unchanged, with the client's address in
// x-millrace-client-ip (server/auth/client-ip.ts) in place of anything the client put there.
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import next from 'next';
import { CLIENT_IP_HEADER } from '../auth/client-ip';
import { config } from '../infra/config';
import { UserError } from '../infra/errors';
import { PREDICT_PATH, servePredict } from '../rest/predict-node';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

async function main(): Promise<void> {
  const { port, host, auth, authSecret } = config();
  if (auth === 'on' && !authSecret) {
    throw new UserError('Sign-in needs a secret: set BETTER_AUTH_SECRET (32 or more characters), or start Millrace with `npm start`, which keeps one in the data folder.');
  }
  // Dev mode runs behind the same server, so the client address sign-in rate limits rely on is trustworthy
  // there too (`next dev` would take it from headers the client sends).
  const dev = process.argv.includes('--dev');
  const app = next({ dev, dir: root, hostname: host, port });
  await app.prepare();
  const handleNext = app.getRequestHandler();
  const server = http.createServer((req, res) => {
    req.headers[CLIENT_IP_HEADER] = req.socket.remoteAddress ?? '';
    if (req.method === 'POST') {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const pathname = q < 0 ? url : url.slice(0, q);
      const match = PREDICT_PATH.exec(pathname);
      if (match) return void servePredict(req, res, match[1]!, pathname);
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
