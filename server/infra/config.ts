import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { DEFAULT_DOCUMENT_LIMITS, type DocumentLimits } from '../../workflows/core/limits';
import { UserError } from './errors';

// Every setting Millrace reads from the environment, parsed once. Paths are absolute.
const envSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  MILLRACE_DATA_DIR: z.string().min(1).default('.millrace'),
  DATABASE_URL: z.string().url().optional(),
  MILLRACE_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  TEMPORAL_CLI: z.string().min(1).optional(),
  MILLRACE_PYTHON_VENV: z.string().min(1).optional(),
  MILLRACE_PYTHON: z.string().min(1).default('python3'),
  MILLRACE_TASK_QUEUE: z.string().min(1).default('millrace'),
  MILLRACE_HOST: z.string().min(1).default('127.0.0.1'),
  MILLRACE_ALLOWED_HOSTS: z.string().optional(),
  MILLRACE_AUTH: z.enum(['on', 'off'], { error: 'on or off' }).default('on'),
  BETTER_AUTH_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  MILLRACE_PUBLIC_URL: z.string().optional(),
  MILLRACE_MAX_DOCUMENT_BYTES: z.coerce.number().int().min(1024).default(DEFAULT_DOCUMENT_LIMITS.maxBytes),
  MILLRACE_MAX_NODES: z.coerce.number().int().min(1).default(DEFAULT_DOCUMENT_LIMITS.maxNodes),
  MILLRACE_MAX_EDGES: z.coerce.number().int().min(1).default(DEFAULT_DOCUMENT_LIMITS.maxEdges),
  MILLRACE_MAX_DEPTH: z.coerce.number().int().min(4).max(1000).default(DEFAULT_DOCUMENT_LIMITS.maxDepth),
  MILLRACE_MAX_STRING_LENGTH: z.coerce.number().int().min(64).default(DEFAULT_DOCUMENT_LIMITS.maxStringLength),
  MILLRACE_MAX_UPLOAD_BYTES: z.coerce.number().int().min(1).default(4 * 1024 ** 3),
  MILLRACE_UPLOAD_MEMORY_LIMIT: z
    .string()
    .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i, 'a size such as 256MB or 1GiB')
    .default('256MB'),
  MILLRACE_MAX_PREDICT_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 ** 2),
  MILLRACE_MAX_PREDICT_ROWS: z.coerce.number().int().min(1).default(10_000),
  MILLRACE_PREDICTION_LOG_DAYS: z.coerce.number().min(0).default(30),
  MILLRACE_PREDICTION_LOG_MAX_BYTES: z.coerce.number().int().min(256).default(64 * 1024),
  MILLRACE_INGEST_ALLOW_NETWORKS: z
    .string()
    .optional()
    .refine((v) => !v || v.split(',').every((e) => !e.trim() || ipaddr.isValid(e.trim()) || ipaddr.isValidCIDR(e.trim())), 'comma-separated IP addresses or CIDR ranges, e.g. 10.0.0.0/8,127.0.0.1'),
});

export type MillraceConfig = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid Millrace configuration in the environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const allowedHosts = (e.MILLRACE_ALLOWED_HOSTS ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
  if (e.MILLRACE_AUTH === 'off') refuseUnsafeAuthOff(e.MILLRACE_HOST, allowedHosts);
  const dataDir = path.resolve(/* turbopackIgnore: true */ e.MILLRACE_DATA_DIR);
  return {
    port: e.PORT,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    pgPort: e.MILLRACE_PG_PORT,
    pgDataDir: path.join(dataDir, 'postgres'),
    temporalAddress: e.TEMPORAL_ADDRESS,
    temporalNamespace: e.TEMPORAL_NAMESPACE,
    temporalPort: e.TEMPORAL_PORT,
    temporalUiPort: e.TEMPORAL_UI_PORT,
    temporalDbFile: path.join(dataDir, 'temporal.db'),
    temporalCli: e.TEMPORAL_CLI ? path.resolve(/* turbopackIgnore: true */ e.TEMPORAL_CLI) : undefined,
    toolsDir: path.join(dataDir, 'tools'),
    artifactsDir: path.join(dataDir, 'artifacts'),
    pythonVenv: path.resolve(/* turbopackIgnore: true */ e.MILLRACE_PYTHON_VENV ?? path.join(dataDir, 'python')),
    basePython: e.MILLRACE_PYTHON,
    taskQueue: e.MILLRACE_TASK_QUEUE,
    fitTaskQueue: `${e.MILLRACE_TASK_QUEUE}-fit`,
    /** The interface the web app listens on; 127.0.0.1 unless MILLRACE_HOST says otherwise. */
    host: e.MILLRACE_HOST,
    /** Extra Host header values the web app answers to (besides localhost, 127.0.0.1, [::1] and MILLRACE_HOST). */
    allowedHosts,
    /** Sign-in and roles; off only for one person on this machine (refused unless the app is reachable from loopback only). */
    auth: e.MILLRACE_AUTH,
    /** Signs session cookies. */
    authSecret: e.BETTER_AUTH_SECRET,
    /** The address people outside this machine use for the app (links in messages; https means Secure cookies). */
    publicUrl: e.MILLRACE_PUBLIC_URL?.replace(/\/+$/, '') || undefined,
    documentLimits: {
      maxBytes: e.MILLRACE_MAX_DOCUMENT_BYTES,
      maxNodes: e.MILLRACE_MAX_NODES,
      maxEdges: e.MILLRACE_MAX_EDGES,
      maxDepth: e.MILLRACE_MAX_DEPTH,
      maxStringLength: e.MILLRACE_MAX_STRING_LENGTH,
    } satisfies DocumentLimits,
    maxUploadBytes: e.MILLRACE_MAX_UPLOAD_BYTES,
    /** DuckDB's memory limit while it converts an upload (beyond it DuckDB spills to disk instead of growing). */
    uploadMemoryLimit: e.MILLRACE_UPLOAD_MEMORY_LIMIT,
    maxPredictBytes: e.MILLRACE_MAX_PREDICT_BYTES,
    maxPredictRows: e.MILLRACE_MAX_PREDICT_ROWS,
    /** Prediction logs older than this many days are pruned (0 = keep forever). */
    predictionLogDays: e.MILLRACE_PREDICTION_LOG_DAYS,
    /** Bytes of inputs and outputs kept per logged request; beyond, only a truncation note is kept. */
    predictionLogMaxBytes: e.MILLRACE_PREDICTION_LOG_MAX_BYTES,
    /** Temporary files (uploads while they stream); on the data dir's filesystem so finished files are renamed, not copied. */
    tmpDir: path.join(dataDir, 'tmp'),
    /** Networks ingest.url may fetch from although they are loopback, private or link-local (none by default). */
    ingestAllowNetworks: (e.MILLRACE_INGEST_ALLOW_NETWORKS ?? '').split(',').map((n) => n.trim()).filter(Boolean),
  };
}

/** localhost, 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackHost(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (name === 'localhost') return true;
  return ipaddr.isValid(name) && ipaddr.process(name).range() === 'loopback';
}

// Without sign-in anyone who reaches the port is an admin: only this machine may reach it. A reverse proxy
// (MILLRACE_ALLOWED_HOSTS) makes a loopback app reachable from elsewhere, so it counts as exposed too.
function refuseUnsafeAuthOff(host: string, allowedHosts: string[]): void {
  if (!isLoopbackHost(host)) {
    throw new UserError(
      `MILLRACE_AUTH=off turns sign-in off, so it is only allowed while the app listens on this machine alone, ` +
        `but MILLRACE_HOST is ${host}. Unset MILLRACE_AUTH (sign-in on) or set MILLRACE_HOST=127.0.0.1.`,
    );
  }
  if (allowedHosts.length > 0) {
    throw new UserError(
      `MILLRACE_AUTH=off turns sign-in off, so it is not allowed while MILLRACE_ALLOWED_HOSTS (${allowedHosts.join(', ')}) ` +
        `lets other machines reach the app through a proxy. Unset MILLRACE_AUTH (sign-in on) or MILLRACE_ALLOWED_HOSTS.`,
    );
  }
}

let cached: MillraceConfig | undefined;
/** The process-wide configuration (read lazily, once). */
export function config(): MillraceConfig {
  cached ??= loadConfig();
  return cached;
}
