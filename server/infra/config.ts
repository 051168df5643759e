import fs from 'node:fs';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { DEFAULT_DOCUMENT_LIMITS, type DocumentLimits } from '../../workflows/core/limits';
import { UserError } from './errors';

/** A rate limit: requests per minute, a whole number of at least `min`. */
const perMinute = (min: number) =>
  z.coerce.number({ error: 'a whole number of requests per minute' }).int('a whole number of requests per minute').min(min, min === 0 ? 'at least 0 (0 = no limit)' : `at least ${min} per minute`);

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
  MILLRACE_SECRET_KEY: z.string().regex(/^[A-Za-z0-9_-]{43,}$/, 'at least 32 random bytes, base64url (43+ characters)').optional(),
  MILLRACE_RATE_SIGNIN: perMinute(1).default(5),
  MILLRACE_RATE_SETUP: perMinute(1).default(5),
  MILLRACE_RATE_TOKEN_FAILURES: perMinute(1).default(20),
  MILLRACE_RATE_TOKEN_CREATE: perMinute(1).default(10),
  MILLRACE_RATE_PREDICT: perMinute(0).default(6000),
  TEMPORAL_TLS: z.enum(['on', 'off'], { error: 'on or off' }).optional(),
  TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS_CA: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
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
  const temporalTls = temporalTlsOf(e);
  if ((temporalTls || e.TEMPORAL_API_KEY) && !e.TEMPORAL_ADDRESS) {
    throw new UserError('TEMPORAL_TLS_* and TEMPORAL_API_KEY are for a shared Temporal: set TEMPORAL_ADDRESS too (the local dev server speaks plain gRPC on 127.0.0.1).');
  }
  const dataDir = path.resolve(/* turbopackIgnore: true */ e.MILLRACE_DATA_DIR);
  return {
    port: e.PORT,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    pgPort: e.MILLRACE_PG_PORT,
    pgDataDir: path.join(dataDir, 'postgres'),
    temporalAddress: e.TEMPORAL_ADDRESS,
    temporalNamespace: e.TEMPORAL_NAMESPACE,
    /** How to reach a shared Temporal: TLS (optionally mutual) and an API key; undefined = plain (the local dev server). */
    temporalTls,
    temporalApiKey: e.TEMPORAL_API_KEY,
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
    /** Encrypts stored secrets (server/infra/secret-box.ts); else keys.json's secretKey. */
    secretKey: e.MILLRACE_SECRET_KEY,
    /** Requests per minute: sign-in attempts and set-up posts per address, failed tokens per address, predictions per token (else address; 0 = off). */
    rateLimits: {
      signIn: e.MILLRACE_RATE_SIGNIN,
      setup: e.MILLRACE_RATE_SETUP,
      tokenFailures: e.MILLRACE_RATE_TOKEN_FAILURES,
      tokenCreate: e.MILLRACE_RATE_TOKEN_CREATE,
      predict: e.MILLRACE_RATE_PREDICT,
    },
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

export interface TemporalTls {
  /** PEM file paths: a client certificate and key (mutual TLS), and the CA that signed the server's certificate. */
  certFile?: string;
  keyFile?: string;
  caFile?: string;
  serverName?: string;
}

// TLS is on when asked for, or implied by a certificate, a CA or an API key (Temporal Cloud takes API keys over TLS only).
function temporalTlsOf(e: {
  TEMPORAL_TLS?: 'on' | 'off';
  TEMPORAL_TLS_CERT?: string;
  TEMPORAL_TLS_KEY?: string;
  TEMPORAL_TLS_CA?: string;
  TEMPORAL_TLS_SERVER_NAME?: string;
  TEMPORAL_API_KEY?: string;
}): TemporalTls | undefined {
  if (!e.TEMPORAL_TLS_CERT !== !e.TEMPORAL_TLS_KEY) {
    throw new UserError('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together (the client certificate and its private key, PEM files): set both or neither.');
  }
  const files = { certFile: e.TEMPORAL_TLS_CERT, keyFile: e.TEMPORAL_TLS_KEY, caFile: e.TEMPORAL_TLS_CA };
  for (const [name, file] of [['TEMPORAL_TLS_CERT', files.certFile], ['TEMPORAL_TLS_KEY', files.keyFile], ['TEMPORAL_TLS_CA', files.caFile]] as const) {
    if (file && !fs.existsSync(file)) throw new UserError(`${name} names ${file}, which does not exist (a PEM file is expected).`);
  }
  const implied = Boolean(files.certFile || files.caFile || e.TEMPORAL_API_KEY || e.TEMPORAL_TLS_SERVER_NAME);
  if (e.TEMPORAL_TLS === 'off') {
    if (implied) throw new UserError('TEMPORAL_TLS=off cannot be combined with TEMPORAL_TLS_* files or TEMPORAL_API_KEY: those need TLS.');
    return undefined;
  }
  if (e.TEMPORAL_TLS !== 'on' && !implied) return undefined;
  return {
    certFile: files.certFile && path.resolve(/* turbopackIgnore: true */ files.certFile),
    keyFile: files.keyFile && path.resolve(/* turbopackIgnore: true */ files.keyFile),
    caFile: files.caFile && path.resolve(/* turbopackIgnore: true */ files.caFile),
    serverName: e.TEMPORAL_TLS_SERVER_NAME,
  };
}

let cached: MillraceConfig | undefined;
/** The process-wide configuration (read lazily, once). */
export function config(): MillraceConfig {
  cached ??= loadConfig();
  return cached;
}
