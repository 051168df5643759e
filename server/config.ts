import path from 'node:path';
import { z } from 'zod';

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
});

export type MillraceConfig = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid Millrace configuration in the environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
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
  };
}

let cached: MillraceConfig | undefined;
/** The process-wide configuration (read lazily, once). */
export function config(): MillraceConfig {
  cached ??= loadConfig();
  return cached;
}
