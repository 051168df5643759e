import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pythonExecutable } from '../../server/infra/python-paths';

// The Python fit worker reads the same TEMPORAL_TLS_* / TEMPORAL_API_KEY variables as the Node processes
// (server/infra/temporal-connection.ts) and turns them into temporalio's Client.connect options.

const python = pythonExecutable(path.resolve(process.env.MILLRACE_PYTHON_VENV ?? '.millrace/python'));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-tls-py-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const probe = `
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("fit_worker", "workflows/ml/worker.py")
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
o = m.temporal_connect_options()
tls = o.get("tls")
if tls is not None and not isinstance(tls, bool):
    tls = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in vars(tls).items() if v is not None}
print(json.dumps({"tls": tls, "api_key": o.get("api_key")}))
`;

function optionsFor(env: Record<string, string>): { tls: unknown; api_key: string | null } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_')));
  return JSON.parse(execFileSync(python, ['-c', probe], { env: { ...clean, ...env } as NodeJS.ProcessEnv, encoding: 'utf8' }));
}

describe('fit worker Temporal connection options', () => {
  it('are plain without TLS settings, TLS with system CAs for an API key alone', () => {
    expect(optionsFor({})).toEqual({ tls: null, api_key: null });
    expect(optionsFor({ TEMPORAL_API_KEY: 'k' })).toEqual({ tls: true, api_key: 'k' });
    expect(optionsFor({ TEMPORAL_TLS: 'off' })).toEqual({ tls: null, api_key: null });
  });

  it('read the client certificate, key, CA and server name for mutual TLS', () => {
    const file = (name: string, text: string) => {
      fs.writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    const got = optionsFor({
      TEMPORAL_TLS_CERT: file('c.pem', 'CERT'),
      TEMPORAL_TLS_KEY: file('k.pem', 'KEY'),
      TEMPORAL_TLS_CA: file('ca.pem', 'CA'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    expect(got).toEqual({
      tls: { client_cert: 'CERT', client_private_key: 'KEY', server_root_ca_cert: 'CA', domain: 'temporal.internal' },
      api_key: null,
    });
  });
});
