import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { Log } from './errors';

/**
 * A child process the launcher owns. It runs in its own process group (detached), so a
 * terminal Ctrl-C reaches only the launcher, which then stops children in order; the whole
 * group is signalled, so grandchildren go too.
 */
export interface ManagedChild {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly hasExited: () => boolean;
  /** The last lines it printed (for error messages). */
  readonly recentOutput: () => string;
  /** Signal, wait `graceMs`, then SIGKILL the group. */
  terminate(graceMs?: number, signal?: NodeJS.Signals): Promise<void>;
  /** SIGKILL the group now (synchronous; for forced exits). */
  kill(): void;
}

export interface SpawnManagedOptions {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string | undefined>;
  uid?: number;
  gid?: number;
  /** Receives each output line, already prefixed with `[name]`. Omit to keep output only in recentOutput. */
  log?: Log;
  /** Filter output lines: return false to drop a line from the log (it stays in recentOutput). */
  filter?: (line: string) => boolean;
  /** Lines kept for recentOutput (default 80). */
  keepLines?: number;
}

export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

export function spawnManaged(opts: SpawnManagedOptions): ManagedChild {
  const spawnOpts: SpawnOptions = {
    cwd: opts.cwd,
    env: (opts.env ?? process.env) as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  };
  if (opts.uid !== undefined) spawnOpts.uid = opts.uid;
  if (opts.gid !== undefined) spawnOpts.gid = opts.gid;
  const child = spawn(opts.command, opts.args, spawnOpts);
  const keep = opts.keepLines ?? 80;
  const recent: string[] = [];
  let exitedFlag = false;

  const onLine = (line: string) => {
    recent.push(line);
    if (recent.length > keep) recent.shift();
    // Skip blank lines and bare terminal control sequences (e.g. "show cursor" on exit).
    if (!line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').trim()) return;
    if (opts.log && (!opts.filter || opts.filter(line))) opts.log(`[${opts.name}] ${line}`);
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
  }

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('error', (err) => {
      onLine(`failed to start: ${err.message}`);
      exitedFlag = true;
      resolve({ code: null, signal: null });
    });
    child.on('exit', (code, signal) => {
      exitedFlag = true;
      resolve({ code, signal });
    });
  });

  const pid = child.pid ?? -1;
  const managed: ManagedChild = {
    name: opts.name,
    pid,
    child,
    exited,
    hasExited: () => exitedFlag,
    recentOutput: () => recent.join('\n'),
    async terminate(graceMs = 10_000, signal: NodeJS.Signals = 'SIGTERM') {
      if (exitedFlag || pid < 0) {
        // The leader is gone; make sure nothing of its group survives.
        if (pid > 0) signalGroup(pid, 'SIGKILL');
        return;
      }
      signalGroup(pid, signal);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs))),
      ]);
      clearTimeout(timer);
      // SIGKILL the group either way: on a timeout to force it, otherwise to reap stragglers.
      signalGroup(pid, 'SIGKILL');
      if (timedOut) await exited;
    },
    kill() {
      if (pid > 0) signalGroup(pid, 'SIGKILL');
    },
  };
  return managed;
}

/** Formats an exit for messages: "exit code 1" / "signal SIGKILL". */
export function describeExit(e: { code: number | null; signal: NodeJS.Signals | null }): string {
  return e.signal ? `signal ${e.signal}` : `exit code ${e.code}`;
}

export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a live process ('' if unknown). Linux /proc; elsewhere ''. */
export function processCmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** Parent pid of a live process (Linux /proc), or undefined. */
export function parentPid(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid ... — comm may contain spaces/parens, so split after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[1]);
  } catch {
    return undefined;
  }
}

export function readPidFile(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim().split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function writePidFile(file: string, pid: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${pid}\n`);
  fs.renameSync(tmp, file);
}

export function removePidFile(file: string, onlyIfPid?: number): void {
  if (onlyIfPid !== undefined && readPidFile(file) !== onlyIfPid) return;
  fs.rmSync(file, { force: true });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until `pid` is gone, up to `ms`; returns whether it is gone. */
export async function waitForPidExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isPidAlive(pid) || isZombie(pid)) return true;
    await sleep(100);
  }
  return !isPidAlive(pid);
}

function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}
