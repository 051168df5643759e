import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import nodeHttp from 'node:http';
import path from 'node:path';
import postgres from 'postgres';
import { describe, expect, inject, it } from 'vitest';
import { http } from '../support/http';

const base = () => new URL(inject('baseUrl'));
const evilForm = { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' };

/** A request with a Host header of our choosing (fetch does not allow setting it). */
function requestWithHost(method: string, pathname: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = nodeHttp.request(
      { host: '127.0.0.1', port: Number(base().port), method, path: pathname, headers: { host } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function runCount(): Promise<number> {
  const { status, data } = await http('GET', '/api/v1/pipelines/penguin-species/runs');
  expect(status).toBe(200);
  return data.runs.length;
}

describe('cross-site requests', () => {
  it('refuses a cross-site form POST that would start a run, and starts nothing', async () => {
    const before = await runCount();
    const res = await http('POST', '/api/v1/pipelines/penguin-species/runs', 'version=1', evilForm);
    expect(res.status).toBe(403);
    expect(res.data.error).toContain('Cross-site');
    expect(await runCount()).toBe(before);
  });

  it('refuses a cross-site form POST that would cancel a run', async () => {
    const res = await http('POST', `/api/v1/runs/${crypto.randomUUID()}/cancel`, 'x=1', evilForm);
    expect(res.status).toBe(403);
  });

  it('refuses a form body from a page that sends no Origin', async () => {
    const res = await http('POST', '/api/v1/pipelines/penguin-species/runs', '{}', { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expect(res.data.error).toContain('application/json');
  });

  it('refuses cross-site changes on the routes the proxy skips (dataset upload, prediction)', async () => {
    const upload = await http('POST', '/api/v1/datasets?name=planted', 'a,b\n1,2\n', evilForm);
    expect(upload.status).toBe(403);
    const plain = await http('POST', '/api/v1/datasets?name=planted', 'a,b\n1,2\n', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect((await http('GET', '/api/v1/datasets/planted')).status).toBe(404);
    const predict = await http('POST', '/api/v1/endpoints/penguins/predict', '{"rows":[]}', { ...evilForm, 'content-type': 'text/plain' });
    expect(predict.status).toBe(403);
  });

  it('still takes a same-origin JSON change', async () => {
    const origin = base().origin;
    const started = await http('POST', '/api/v1/pipelines/penguin-species/runs', {}, { origin });
    expect(started.status).toBe(202);
    const cancelled = await http('POST', `/api/v1/runs/${started.data.runId}/cancel`, undefined, { origin });
    expect(cancelled.status).toBe(202);
  });
});

describe('Host header (DNS rebinding)', () => {
  it('refuses a request addressed to another host, and says how to allow it', async () => {
    for (const pathname of ['/', '/api/v1/runs', '/api/v1/datasets']) {
      const res = await requestWithHost('GET', pathname, 'evil.example');
      expect(res.status, pathname).toBe(421);
      expect(JSON.parse(res.body).error).toContain('MILLRACE_ALLOWED_HOSTS');
    }
    const rebound = await requestWithHost('GET', '/api/v1/runs', `evil.example:${base().port}`);
    expect(rebound.status).toBe(421);
  });

  it('answers to localhost and 127.0.0.1 on its port', async () => {
    expect((await requestWithHost('GET', '/api/health', `localhost:${base().port}`)).status).toBe(200);
    expect((await requestWithHost('GET', '/api/health', `127.0.0.1:${base().port}`)).status).toBe(200);
  });
});

describe('response headers', () => {
  it('sends a content security policy and the other security headers, and no X-Powered-By', async () => {
    for (const pathname of ['/', '/api/v1/runs']) {
      const res = await fetch(`${inject('baseUrl')}${pathname}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, pathname).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('unsafe-eval'); // production build
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toMatch(/^(same-origin|strict-origin-when-cross-origin)$/);
      expect(res.headers.get('x-powered-by')).toBeNull();
      await res.arrayBuffer();
    }
  });
});

describe('database role', () => {
  it('the app connects as a role that owns its database and is not a superuser', async () => {
    const sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
    try {
      const [role] = await sql`
        select r.rolsuper, r.rolcreaterole, r.rolcreatedb, d.datdba = r.oid as owns_db
        from pg_roles r, pg_database d where r.rolname = current_user and d.datname = current_database()`;
      expect(role).toEqual({ rolsuper: false, rolcreaterole: false, rolcreatedb: false, owns_db: true });
      await expect(sql`select pg_read_file('PG_VERSION')`).rejects.toThrow(/permission denied/);
      // It owns what the migrations made.
      const [{ foreign }] = await sql`
        select count(*)::int as foreign from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname in ('public', 'drizzle') and c.relowner <> (select oid from pg_roles where rolname = current_user)`;
      expect(foreign).toBe(0);
    } finally {
      await sql.end();
    }
  });

  it('keeps the passwords in a file only its owner can read, and nowhere in the source', () => {
    const file = path.join(inject('dataDir'), 'postgres-credentials.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const creds = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(decodeURIComponent(new URL(inject('databaseUrl')).password)).toBe(creds.app.password);
    expect(new URL(inject('databaseUrl')).username).toBe(creds.app.user);
    expect(creds.superuser.password).not.toBe(creds.app.password);
    const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(tracked.length).toBeGreaterThan(50);
    for (const rel of tracked) {
      if (!fs.existsSync(rel) || !fs.statSync(rel).isFile()) continue;
      const text = fs.readFileSync(rel, 'utf8');
      expect(text.includes(creds.app.password) || text.includes(creds.superuser.password), rel).toBe(false);
    }
  });
});

describe('on this machine only', () => {
  it('the data folder and what is in it are closed to other users', () => {
    const dataDir = inject('dataDir');
    const st = fs.statSync(dataDir);
    expect(st.mode & 0o007).toBe(0);
    if (process.getuid?.() === 0) {
      // The postgres user may pass through to its own folder, not list or read the rest.
      expect(st.mode & 0o777).toBe(0o710);
      expect(st.gid).toBe(Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()));
      const pg = fs.statSync(path.join(dataDir, 'postgres'));
      expect(pg.uid).toBe(Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()));
    } else {
      expect(st.mode & 0o777).toBe(0o700);
    }
    for (const entry of ['postgres', 'artifacts', 'tmp', 'run', 'temporal.db', 'postgres-credentials.json', 'keys.json']) {
      const mode = fs.statSync(path.join(dataDir, entry)).mode;
      expect(mode & 0o077, entry).toBe(0);
    }
  });

  it('the web app listens on 127.0.0.1 only', () => {
    const port = Number(base().port);
    const listening: string[] = [];
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      if (!fs.existsSync(table)) continue;
      for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
        const [, local, , state] = line.trim().split(/\s+/);
        if (!local || state !== '0A') continue; // 0A = LISTEN
        const [addr, hexPort] = local.split(':');
        if (parseInt(hexPort!, 16) === port) listening.push(addr!);
      }
    }
    expect(listening.length).toBeGreaterThan(0);
    for (const addr of listening) expect(addr, 'listening address (hex)').toBe('0100007F'); // 127.0.0.1
  });
});
