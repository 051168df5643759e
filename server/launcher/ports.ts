import net from 'node:net';
import { UserError } from './errors';

export interface PortUse {
  port: number;
  /** The interface it will listen on; a wildcard (or none) means every interface. */
  host?: string;
  /** What needs it, e.g. "the web app". */
  what: string;
  /** The environment variable that changes it. */
  envVar: string;
  /** Extra advice, e.g. "or set DATABASE_URL to use an existing Postgres". */
  alternative?: string;
}

function tryListen(port: number, host: string): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * Why a port cannot be used on `host` ('in use', 'not permitted', 'not an address of this machine'),
 * or null when it is free there. Binding one address also fails when something holds the port on the
 * wildcard, so a check on the address itself is enough; without a host every interface is checked.
 */
export async function portProblem(port: number, host?: string): Promise<string | null> {
  let err: NodeJS.ErrnoException | null;
  if (host && !WILDCARDS.has(host)) {
    err = await tryListen(port, host.replace(/^\[(.*)\]$/, '$1'));
  } else {
    // Binding the IPv6 wildcard also covers IPv4 (dual stack); fall back when IPv6 is off.
    err = await tryListen(port, '::');
    if (err && (err.code === 'EAFNOSUPPORT' || err.code === 'EADDRNOTAVAIL')) err = await tryListen(port, '0.0.0.0');
    if (!err) {
      // Something bound only to 127.0.0.1 can still hide behind a successful wildcard bind on some systems.
      err = await tryListen(port, '127.0.0.1');
    }
  }
  if (!err) return null;
  if (err.code === 'EADDRINUSE') return 'in use';
  if (err.code === 'EACCES') return 'not permitted (ports below 1024 need extra privileges)';
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') return `not available: ${host} is not an address of this machine (check MILLRACE_HOST)`;
  return err.code ?? err.message;
}

/** Throws one UserError naming every port that is taken, with the variable to change and how to find the process. */
export async function assertPortsFree(uses: PortUse[]): Promise<void> {
  const problems: string[] = [];
  const seen = new Map<number, PortUse>();
  for (const use of uses) {
    const clash = seen.get(use.port);
    if (clash) {
      problems.push(
        `Port ${use.port} is configured for both ${clash.what} (${clash.envVar}) and ${use.what} (${use.envVar}); give them different ports.`,
      );
      continue;
    }
    seen.set(use.port, use);
    const problem = await portProblem(use.port, use.host);
    if (!problem) continue;
    problems.push(
      `Port ${use.port}${use.host ? ` on ${use.host}` : ''}, needed for ${use.what}, is ${problem}.\n` +
        `  Stop the process using it (find it with: ss -ltnp 'sport = :${use.port}'), ` +
        `or choose another port with ${use.envVar}=<port>${use.alternative ? `, ${use.alternative}` : ''}.`,
    );
  }
  if (problems.length) throw new UserError(problems.join('\n'));
}

/** Waits until something accepts TCP connections on host:port. */
export async function waitForTcp(host: string, port: number, timeoutMs: number, shouldStop?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stop = shouldStop?.();
    if (stop) throw new Error(stop);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port });
      const done = (v: boolean) => {
        socket.destroy();
        resolve(v);
      };
      socket.setTimeout(1000, () => done(false));
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing answered on ${host}:${port} within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Distinct free TCP ports chosen by the OS (for tests and benchmarks): all are held open until every one is chosen. */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<net.Server>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen({ port: 0, host: '127.0.0.1' }, () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** One currently free TCP port chosen by the OS (for tests). */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}
