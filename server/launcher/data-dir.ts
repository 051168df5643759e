import fs from 'node:fs';
import path from 'node:path';
import type { MillraceConfig } from '../infra/config';
import { UserError } from './errors';

type DataDirConfig = Pick<MillraceConfig, 'dataDir' | 'databaseUrl' | 'artifactsDir' | 'tmpDir' | 'temporalDbFile'>;

/**
 * The data folder holds the database, the Temporal history and every artifact: it is for the user
 * running Millrace only (0700). As root with the embedded Postgres, the folder is 0710 and
 * startPostgres gives it to the `postgres` group, so that user can reach its own folder inside.
 */
export function secureDataDir(cfg: DataDirConfig): void {
  const postgresMustPass = !cfg.databaseUrl && typeof process.getuid === 'function' && process.getuid() === 0;
  fs.mkdirSync(cfg.dataDir, { recursive: true, mode: 0o700 });
  try {
    fs.chmodSync(cfg.dataDir, postgresMustPass ? 0o710 : 0o700);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
    throw new UserError(
      `The data folder ${cfg.dataDir} belongs to another user, so Millrace cannot keep it private. ` +
        `Run Millrace as its owner, or set MILLRACE_DATA_DIR to a folder of your own.`,
    );
  }
  for (const dir of [path.join(cfg.dataDir, 'run'), cfg.artifactsDir, cfg.tmpDir]) {
    if (!dir.startsWith(cfg.dataDir + path.sep)) continue; // pointed elsewhere on purpose
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
  }
  secureTemporalDb(cfg);
}

/** The Temporal dev server creates its SQLite files world-readable. */
export function secureTemporalDb(cfg: Pick<MillraceConfig, 'temporalDbFile'>): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    try {
      fs.chmodSync(`${cfg.temporalDbFile}${suffix}`, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
