import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * Runs a measuring script (test/bench/<name>-stack.ts, a process with a stack of its own) and returns what
 * it printed on its "RESULT {json}" line. Its other output is shown with MILLRACE_BENCH_VERBOSE=1.
 */
export function measureInChild<T>(repoRoot: string, script: string, args: string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test', 'bench', script), ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
      if (process.env.MILLRACE_BENCH_VERBOSE === '1') process.stderr.write(c);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`${script} exited with ${code}:\n${stderr.slice(-4000)}`));
      else resolve(JSON.parse(line.slice('RESULT '.length)) as T);
    });
  });
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export const round = (x: number, digits = 3) => Number(x.toFixed(digits));
