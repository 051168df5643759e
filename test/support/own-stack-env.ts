import { freePorts } from '../../server/launcher/ports';

/**
 * Points this process's environment at a stack of its own, as the launcher would start it: the data folder,
 * free ports for the web app, Postgres and Temporal (and its UI), and no outside Postgres or Temporal.
 * `extra` adds or overrides variables. Read back with loadConfig(process.env).
 */
export async function pointAtOwnStack(dataDir: string, extra: Record<string, string>): Promise<void> {
  const [port, pgPort, temporalPort, temporalUiPort] = await freePorts(4);
  delete process.env.DATABASE_URL;
  delete process.env.TEMPORAL_ADDRESS;
  Object.assign(process.env, {
    PORT: String(port),
    MILLRACE_DATA_DIR: dataDir,
    MILLRACE_PG_PORT: String(pgPort),
    TEMPORAL_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(temporalUiPort),
    ...extra,
  });
}
