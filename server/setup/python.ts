// Millrace's own Python environment for fitting models (workflows/ml/fit.py).
// Created once per machine and reinstalled only when workflows/ml/requirements.txt changes.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fitScriptPath, pythonExecutable, requirementsPath } from '../infra/python-paths';

const MARKER = '.millrace-requirements';

export { fitScriptPath, pythonExecutable, requirementsPath };

interface RunResult {
  code: number | null;
  tail: string[];
  spawnError?: NodeJS.ErrnoException;
}

/** Runs a command, streaming each output line to `onLine` and keeping the last lines. */
function run(cmd: string, args: string[], onLine: (line: string) => void, keep = 40): Promise<RunResult> {
  return new Promise((resolve) => {
    const tail: string[] = [];
    let child;
    try {
      child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    } catch (err) {
      resolve({ code: null, tail, spawnError: err as NodeJS.ErrnoException });
      return;
    }
    const feed = (stream: NodeJS.ReadableStream) => {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buf += chunk;
        const parts = buf.split(/\r?\n|\r/);
        buf = parts.pop() ?? '';
        for (const p of parts) push(p);
      });
      stream.on('end', () => {
        if (buf) push(buf);
        buf = '';
      });
    };
    const push = (line: string) => {
      if (!line.trim()) return;
      tail.push(line);
      if (tail.length > keep) tail.shift();
      onLine(line);
    };
    feed(child.stdout!);
    feed(child.stderr!);
    let spawnError: NodeJS.ErrnoException | undefined;
    child.on('error', (err) => {
      spawnError = err as NodeJS.ErrnoException;
    });
    child.on('close', (code) => resolve({ code, tail, spawnError }));
  });
}

async function requirementsHash(): Promise<string> {
  const text = await readFile(requirementsPath);
  return createHash('sha256').update(text).digest('hex');
}

async function markerMatches(venvDir: string, hash: string): Promise<boolean> {
  if (!existsSync(pythonExecutable(venvDir))) return false;
  try {
    return (await readFile(path.join(venvDir, MARKER), 'utf8')).trim() === hash;
  } catch {
    return false;
  }
}

const inFlight = new Map<string, Promise<{ python: string }>>();

/**
 * Makes sure `venvDir` is a venv with workflows/ml/requirements.txt installed.
 * Fast (no pip call) when the venv's marker holds the requirements' sha256.
 */
export function ensurePythonEnv(opts: {
  venvDir: string;
  basePython: string;
  log?: (line: string) => void;
}): Promise<{ python: string }> {
  const venvDir = path.resolve(opts.venvDir);
  let p = inFlight.get(venvDir);
  if (!p) {
    p = doEnsure({ ...opts, venvDir }).finally(() => inFlight.delete(venvDir));
    inFlight.set(venvDir, p);
  }
  return p;
}

async function doEnsure(opts: {
  venvDir: string;
  basePython: string;
  log?: (line: string) => void;
}): Promise<{ python: string }> {
  const { venvDir, basePython } = opts;
  const log = opts.log ?? (() => {});
  const python = pythonExecutable(venvDir);
  const hash = await requirementsHash();
  if (await markerMatches(venvDir, hash)) return { python };

  await rm(path.join(venvDir, MARKER), { force: true });
  if (!existsSync(python)) {
    log(`creating Python venv in ${venvDir} with ${basePython}`);
    await mkdir(path.dirname(venvDir), { recursive: true });
    const res = await run(basePython, ['-m', 'venv', venvDir], log);
    if (res.spawnError) {
      const hint =
        res.spawnError.code === 'ENOENT'
          ? `"${basePython}" was not found. Install Python 3.10+ (with the venv module) or set MILLRACE_PYTHON to its path.`
          : `could not run "${basePython}": ${res.spawnError.message}`;
      throw new Error(`Cannot create the Python environment for model fitting: ${hint}`);
    }
    if (res.code !== 0 || !existsSync(python)) {
      await rm(venvDir, { recursive: true, force: true });
      throw new Error(
        `"${basePython} -m venv ${venvDir}" failed (exit ${res.code}). On Debian/Ubuntu install the python3-venv package.\n` +
          res.tail.slice(-15).join('\n'),
      );
    }
  }

  log(`installing Python packages from ${path.relative(process.cwd(), requirementsPath) || requirementsPath}`);
  const pip = await run(
    python,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-r', requirementsPath],
    log,
  );
  if (pip.spawnError || pip.code !== 0) {
    const why = pip.spawnError ? pip.spawnError.message : `exit ${pip.code}`;
    throw new Error(
      `pip install -r workflows/ml/requirements.txt failed (${why}) in ${venvDir}. Last output:\n` +
        pip.tail.slice(-20).join('\n'),
    );
  }
  await writeFile(path.join(venvDir, MARKER), hash + '\n');
  log('Python environment ready');
  return { python };
}
