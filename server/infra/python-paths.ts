// Where Millrace's Python fitter and its environment live; shared by set-up (server/setup) and the fitter glue.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** workflows/ml/requirements.txt of this checkout. */
export const requirementsPath = path.join(repoRoot, 'workflows', 'ml', 'requirements.txt');
/** workflows/ml/fit.py of this checkout. */
export const fitScriptPath = path.join(repoRoot, 'workflows', 'ml', 'fit.py');

/** The Python interpreter inside a venv. */
export function pythonExecutable(venvDir: string): string {
  return process.platform === 'win32'
    ? path.join(venvDir, 'Scripts', 'python.exe')
    : path.join(venvDir, 'bin', 'python');
}
