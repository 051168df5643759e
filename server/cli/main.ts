import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { compilePipeline, type CompileError } from '../../workflows/core/compiler';
import { parameterValueFromText, type ParameterDeclaration } from '../../workflows/core/parameters';
import { catalog } from '../../workflows/steps/catalog';
import { datasetFormatOf } from '../services/datasets';
import { ApiError, api } from './api-client';
import type { MeResponse } from '../auth/whoami';
import type { NotDeployed } from '../../workflows/core/deployment';
import { VERSION_MESSAGE_MAX, versionMessageSchema } from '../../workflows/core/version-message';

const contentTypes = { csv: 'text/csv', json: 'application/json', ndjson: 'application/x-ndjson', parquet: 'application/vnd.apache.parquet' };

function formatError(e: CompileError): string {
  const where = [e.nodeId && `node ${e.nodeId}`, e.edge && `edge ${e.edge.from} → ${e.edge.to}`, e.path && `at ${e.path}`]
    .filter(Boolean)
    .join(', ');
  return `  ✗ ${where ? `${where}: ` : ''}${e.message}`;
}

async function readDocument(file: string): Promise<unknown> {
  const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new Error(`Cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}

const program = new Command()
  .name('millrace')
  .description('Millrace: validate, apply and run pipelines; push datasets; start the local stack.')
  .showHelpAfterError();

program
  .command('validate')
  .argument('<file>', 'a millrace/v1 pipeline document (JSON)')
  .description('Check a pipeline document offline (same compiler as the server)')
  .action(async (file: string) => {
    const result = compilePipeline(await readDocument(file), catalog);
    if (!result.ok) {
      console.error(`${file}: ${result.errors.length} error(s)`);
      for (const e of result.errors) console.error(formatError(e));
      process.exitCode = 1;
      return;
    }
    console.log(`${file}: ok — ${result.plan.steps.length} steps (${result.plan.steps.map((s) => s.id).join(' → ')})`);
    for (const w of result.warnings) console.log(`warning: ${formatError(w)}`);
  });

program
  .command('apply')
  .argument('<file>', 'a millrace/v1 pipeline document (JSON)')
  .description('Save the document as a new pipeline version on the server')
  .option('-m, --message <text>', `what changed, kept with the version (at most ${VERSION_MESSAGE_MAX} characters)`)
  .action(async (file: string, opts: { message?: string }) => {
    const message = opts.message === undefined ? undefined : versionMessageSchema.safeParse(opts.message);
    if (message && !message.success) throw new Error(`--message: ${message.error.issues[0]?.message}`);
    const doc = (await readDocument(file)) as { name?: unknown };
    if (typeof doc?.name !== 'string') throw new Error(`${file}: the document has no "name"`);
    const query = message?.data ? `?message=${encodeURIComponent(message.data)}` : '';
    // The version is recorded as saved by the token's label (MILLRACE_TOKEN).
    const { status, data } = await api<{ version: number; created: boolean; errors?: CompileError[]; warnings?: CompileError[] }>(
      'PUT',
      `/api/v1/pipelines/${encodeURIComponent(doc.name)}${query}`,
      JSON.stringify(doc),
      'application/json',
    );
    if (status === 422) {
      console.error(`${file}: rejected, ${data.errors?.length ?? 0} error(s)`);
      for (const e of data.errors ?? []) console.error(formatError(e));
      process.exitCode = 1;
      return;
    }
    console.log(`${doc.name}: ${data.created ? `saved version ${data.version}` : `unchanged (version ${data.version})`}`);
    for (const w of data.warnings ?? []) console.log(`warning: ${formatError(w)}`);
  });

interface RunView {
  runId: string;
  status: string;
  steps: { nodeId: string; status: string; attempts: number; error?: string; summary?: Record<string, unknown>; cachedFrom?: string }[];
  notDeployed?: NotDeployed[];
}

/** Exit code of `run --wait`: 0 on success, 1 when the run failed or was cancelled, 2 (with --fail-on-gate) when a gate kept the model from being deployed. */
function runExitCode(run: Pick<RunView, 'status' | 'notDeployed'>, failOnGate: boolean): number {
  if (run.status !== 'succeeded') return 1;
  return failOnGate && run.notDeployed?.some((n) => n.cause === 'gate') ? 2 : 0;
}

function summaryLine(summary: Record<string, unknown> | undefined): string {
  if (!summary) return '';
  const keys = ['rows', 'trainRows', 'testRows', 'rowsUsed', 'accuracy', 'f1_macro', 'rmse', 'r2', 'passed', 'endpoint', 'modelVersion'];
  const parts = keys
    .filter((k) => summary[k] !== undefined)
    .map((k) => `${k}=${typeof summary[k] === 'number' && !Number.isInteger(summary[k]) ? (summary[k] as number).toFixed(4) : String(summary[k])}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** `--param k=v` values, each parsed by the type the pipeline declares for it (undeclared names are left for the server to refuse). */
async function runParams(name: string, version: number | undefined, pairs: string[]): Promise<Record<string, unknown>> {
  if (pairs.length === 0) return {};
  const query = version ? `?version=${version}` : '';
  const { data } = await api<{ document: { parameters?: ParameterDeclaration[] } }>('GET', `/api/v1/pipelines/${encodeURIComponent(name)}${query}`);
  const declared = new Map((data.document.parameters ?? []).map((d) => [d.name, d]));
  const values: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--param ${pair}: write it as name=value`);
    const key = pair.slice(0, eq);
    const text = pair.slice(eq + 1);
    const d = declared.get(key);
    values[key] = d ? parameterValueFromText(d.type, text) : text;
  }
  return values;
}

program
  .command('run')
  .argument('<name>', 'pipeline name')
  .option('--version <n>', 'pipeline version (default: newest)', (v) => Number.parseInt(v, 10))
  .option('--param <name=value>', 'a value for a pipeline parameter (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
  .option('--wait', 'wait for the run to finish, printing each step; exit code 0 only on success')
  .option('--fail-on-gate', 'with --wait: exit with code 2 when a gate kept the model from being deployed (the run itself succeeds)')
  .option('--no-cache', 'run every step, even where an identical earlier success could be reused')
  .description('Start a run of a pipeline')
  .action(async (name: string, opts: { version?: number; wait?: boolean; failOnGate?: boolean; param: string[]; cache: boolean }) => {
    const params = await runParams(name, opts.version, opts.param);
    const { status, data } = await api<{ runId: string; version: number; error?: string; errors?: CompileError[] }>(
      'POST',
      `/api/v1/pipelines/${encodeURIComponent(name)}/runs`,
      JSON.stringify({
        ...(opts.version ? { version: opts.version } : {}),
        ...(Object.keys(params).length ? { params } : {}),
        ...(opts.cache ? {} : { ignoreCache: true }),
      }),
    );
    if (status === 422) {
      console.error(`${name}: not started, ${data.errors?.length ?? 0} error(s)`);
      for (const e of data.errors ?? []) console.error(formatError(e));
      process.exitCode = 1;
      return;
    }
    console.log(`run ${data.runId} of ${name} v${data.version} started`);
    if (!opts.wait) {
      if (opts.failOnGate) console.error('--fail-on-gate has effect only with --wait');
      return;
    }
    const seen = new Map<string, string>();
    for (;;) {
      const { data: run } = await api<RunView>('GET', `/api/v1/runs/${data.runId}`);
      for (const s of run.steps) {
        const key = `${s.status}/${s.attempts}`;
        if (seen.get(s.nodeId) === key || s.status === 'pending') continue;
        seen.set(s.nodeId, key);
        const retry = s.attempts > 1 ? ` (attempt ${s.attempts})` : '';
        const error = s.error && s.status !== 'succeeded' ? ` — ${s.error}` : '';
        const cached = s.cachedFrom ? ` (cached from run ${s.cachedFrom})` : '';
        console.log(`  ${s.nodeId.padEnd(14)} ${s.status}${cached}${retry}${summaryLine(s.summary)}${error}`);
      }
      if (['succeeded', 'failed', 'cancelled'].includes(run.status)) {
        console.log(`run ${run.runId}: ${run.status}`);
        for (const n of run.notDeployed ?? []) console.log(`  not deployed by ${n.nodeId}: ${n.reason}`);
        process.exitCode = runExitCode(run, Boolean(opts.failOnGate));
        return;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  });

const dataset = program.command('dataset').description('Datasets');
dataset
  .command('push')
  .argument('<file>', 'CSV, JSON (array of objects), NDJSON or Parquet file')
  .requiredOption('--name <name>', 'dataset name')
  .description('Upload a file as a new dataset version (identical bytes keep the existing version)')
  .action(async (file: string, opts: { name: string }) => {
    const format = datasetFormatOf(path.basename(file));
    if (!format) throw new Error(`${file}: unknown file type; use .csv, .json, .ndjson/.jsonl or .parquet`);
    // Streamed from disk: the CLI never holds the file in memory.
    const stat = await fs.stat(file).catch((err: NodeJS.ErrnoException) => {
      throw new Error(`Cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
    });
    if (!stat.isFile()) throw new Error(`Cannot read ${file}: not a file`);
    const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
    const { status, data } = await api<
      { name: string; version: number; rows: number; columns: { name: string }[]; created: boolean; warnings?: string[] } & { error?: string }
    >('POST', `/api/v1/datasets?name=${encodeURIComponent(opts.name)}`, body, contentTypes[format], { 'content-length': String(stat.size) });
    if (status === 422) throw new Error(`${file}: ${data.error ?? 'the server could not read the file'}`);
    console.log(
      `${data.name} v${data.version}: ${data.rows} rows, ${data.columns.length} columns${data.created ? '' : ' (unchanged: same bytes as before)'}`,
    );
    for (const w of data.warnings ?? []) console.log(`  note: ${w}`);
  });

program
  .command('whoami')
  .description('Show who MILLRACE_TOKEN is: its workspace and role')
  .action(async () => {
    const { data } = await api<MeResponse>('GET', '/api/v1/me').catch((err: unknown) => {
      if (err instanceof ApiError && err.status === 401) {
        throw new Error(`${err.message}. Set MILLRACE_TOKEN to an API token (an admin makes one under Settings → API tokens).`);
      }
      throw err;
    });
    const where = data.workspace ? `workspace ${data.workspace.slug}, role ${data.role ?? 'none'}` : 'no workspace';
    console.log(`${data.label} (${data.kind}): ${where}`);
  });

program
  .command('dev')
  .description('Start the local stack (same as npm start)')
  .action(async () => {
    const launcher = fileURLToPath(new URL('../launcher/main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', launcher, 'start'], { stdio: 'inherit' });
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
    await new Promise<void>((resolve) => child.on('exit', (code) => ((process.exitCode = code ?? 1), resolve())));
  });

program.parseAsync().catch((err: unknown) => {
  console.error(`millrace: ${err instanceof ApiError || err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
