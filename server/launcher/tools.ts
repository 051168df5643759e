import type { MillraceConfig } from '../infra/config';
import { ensurePythonEnv } from '../setup/python';
import { ensureTemporalCli } from '../setup/temporal-cli';
import { UserError, isUserError, type Log } from './errors';

/** pip prints a line per package; keep the person informed without the flood. */
export function concisePythonLog(log: Log): Log {
  return (line) => {
    if (/^(creating|installing|Python environment|Successfully installed|ERROR|error:)/i.test(line.trim())) log(line.trim());
  };
}

/** The Python model runtime (venv + pinned packages). Idempotent and fast when already done. */
export async function ensurePython(cfg: Pick<MillraceConfig, 'pythonVenv' | 'basePython'>, log: Log): Promise<string> {
  try {
    const { python } = await ensurePythonEnv({ venvDir: cfg.pythonVenv, basePython: cfg.basePython, log: concisePythonLog(log) });
    return python;
  } catch (err) {
    if (isUserError(err)) throw err;
    throw new UserError(`Setting up the Python model runtime in ${cfg.pythonVenv} failed:\n${(err as Error).message}`);
  }
}

/** Everything `npm start` needs on this machine: the Temporal CLI (unless TEMPORAL_ADDRESS) and the Python runtime. */
export async function ensureTools(cfg: MillraceConfig, log: Log): Promise<{ temporalCli?: string; python: string }> {
  const temporalCli = cfg.temporalAddress ? undefined : await ensureTemporalCli(cfg, log);
  const python = await ensurePython(cfg, log);
  return { temporalCli, python };
}
