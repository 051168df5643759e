// `npm start` / `npm run dev`: make sure the tools are there, start the whole stack, stop it on Ctrl-C.
import { loadConfig } from '../infra/config';
import { AbortedError, isUserError } from './errors';
import { startStack, type StackHandle } from './stack';
import { ensureTools } from './tools';

const USAGE = 'usage: node --import tsx server/launcher/main.ts start|dev';

const out = (line: string) => {
  try {
    process.stdout.write(`${line}\n`);
  } catch {
    // stdout closed (e.g. piped into `head`): keep running.
  }
};
const say = (msg: string) => out(`[millrace] ${msg}`);

function printError(err: unknown): void {
  if (isUserError(err) && !process.env.MILLRACE_DEBUG) {
    process.stderr.write(`\n✖ ${(err as Error).message}\n`);
  } else {
    process.stderr.write(`\n✖ Millrace failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  }
}

async function main(): Promise<void> {
  const command = process.argv[2] ?? 'start';
  if (command !== 'start' && command !== 'dev') {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }

  const controller = new AbortController();
  let stack: StackHandle | undefined;
  let phase: 'tools' | 'starting' | 'running' = 'tools';
  let firstSignalAt = 0;

  const shutdown = (exitCode: number) => {
    const done = stack ? stack.stop() : Promise.resolve();
    done.then(
      () => {
        say('Stopped.');
        process.exit(exitCode);
      },
      (err) => {
        printError(err);
        process.exit(1);
      },
    );
  };

  const onSignal = (sig: NodeJS.Signals) => {
    const now = Date.now();
    if (!firstSignalAt) {
      firstSignalAt = now;
      out('');
      say(`${sig === 'SIGINT' ? 'Ctrl-C' : sig}: stopping every Millrace process … (press Ctrl-C again to force)`);
      controller.abort();
      // While installing tools the child installers get the terminal's Ctrl-C too; nothing of ours runs yet.
      if (phase === 'tools') process.exit(0);
      if (phase === 'running') shutdown(0);
      // 'starting': startStack notices the abort, stops what it started and rejects (handled below).
      return;
    }
    // The same Ctrl-C arrives twice under npm (from the terminal and forwarded by npm): ignore repeats within 1 s.
    if (now - firstSignalAt < 1000) return;
    say('Forced exit: killing every child process.');
    stack?.kill();
    process.exit(130); // the stack's exit hook SIGKILLs whatever is still running
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  const cfg = loadConfig();
  say(`Data folder: ${cfg.dataDir}`);
  const { temporalCli } = await ensureTools(cfg, say);

  phase = 'starting';
  try {
    stack = await startStack(cfg, {
      web: command,
      worker: true,
      log: out,
      temporalCli,
      signal: controller.signal,
    });
  } catch (err) {
    if (err instanceof AbortedError || controller.signal.aborted) {
      say('Stopped.');
      process.exit(0);
    }
    throw err;
  }
  phase = 'running';

  out('');
  out(`  Millrace is running at ${stack.webUrl}`);
  if (stack.setupUrl) out(`  First start: create the admin account at ${stack.setupUrl}`);
  if (stack.temporalUiUrl) out(`  Temporal UI: ${stack.temporalUiUrl}`);
  out(`  Data: ${cfg.dataDir}    Press Ctrl-C to stop.`);
  out('');
}

process.on('unhandledRejection', (err) => {
  printError(err);
  process.exit(1);
});

main().catch((err) => {
  printError(err);
  process.exit(1);
});
