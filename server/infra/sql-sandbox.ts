import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { SqlDescription, SqlRequest } from '../../workflows/core/sql';
import type { TableSchema } from '../../workflows/core/table-schema';
import { quoteIdent, quoteLiteral } from './duckdb';

// SQL written by a person runs here, never on the process's shared DuckDB: a fresh in-memory instance
// per query that can read only the step's input files and write only its output file, loads no
// extension, and whose configuration is locked before the person's text is even parsed.

/** Per query: the step's SQL shares two cores with everything else on a worker. */
export const SANDBOX_THREADS = 1;
export const SANDBOX_MEMORY_LIMIT = '512MB';
/** Design time: only binding on empty tables happens, so anything slower is a query that runs away. */
const DESCRIBE_TIMEOUT_MS = 5000;

export type SqlErrorKind = 'parse' | 'statement' | 'bind' | 'permission' | 'timeout' | 'cancelled' | 'runtime';

/** A problem with the person's SQL, with where it is (a character offset into their text) when DuckDB says. */
export class SqlError extends Error {
  constructor(
    readonly kind: SqlErrorKind,
    message: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = 'SqlError';
  }
}

interface SandboxOptions {
  /** Files the SQL may read (the inputs). */
  readable: string[];
  /** The one file the sandbox may write (the output), if any. */
  writable?: string;
  /** Where DuckDB may spill when a query outgrows the memory limit. */
  spillDir?: string;
}

async function openSandbox(opts: SandboxOptions): Promise<{ conn: DuckDBConnection; close(): void }> {
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(SANDBOX_THREADS),
    memory_limit: SANDBOX_MEMORY_LIMIT,
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    allow_community_extensions: 'false',
    ...(opts.spillDir ? { temp_directory: opts.spillDir } : {}),
  });
  const conn = await instance.connect();
  const close = () => {
    conn.closeSync();
    instance.closeSync();
  };
  try {
    const paths = [...opts.readable, ...(opts.writable ? [opts.writable] : [])];
    // Order matters: the allow-lists are set while external access is still on, then access goes off
    // and the configuration is locked (no SET, PRAGMA or RESET can change any of it afterwards).
    await conn.run(`SET allowed_paths = [${paths.map(quoteLiteral).join(', ')}]`);
    if (opts.spillDir) await conn.run(`SET allowed_directories = [${quoteLiteral(opts.spillDir)}]`);
    await conn.run('SET enable_external_access = false');
    await conn.run('SET lock_configuration = true');
    return { conn, close };
  } catch (err) {
    close();
    throw err;
  }
}

/** Runs work on a connection, interrupting DuckDB when the signal aborts or the time is up. */
async function withDeadline<T>(conn: DuckDBConnection, opts: { timeoutMs: number; signal?: AbortSignal }, work: () => Promise<T>): Promise<T> {
  let stopped: 'timeout' | 'cancelled' | undefined;
  const stop = (why: 'timeout' | 'cancelled') => {
    stopped ??= why;
    conn.interrupt();
  };
  if (opts.signal?.aborted) throw new SqlError('cancelled', 'The query was cancelled before it started');
  const timer = setTimeout(() => stop('timeout'), opts.timeoutMs);
  const onAbort = () => stop('cancelled');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await work();
  } catch (err) {
    if (stopped === 'timeout') {
      throw new SqlError('timeout', `The query was stopped after ${formatSeconds(opts.timeoutMs)}: it ran longer than the step's time limit`);
    }
    if (stopped === 'cancelled') throw new SqlError('cancelled', 'The query was cancelled');
    throw err;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/** The statement's first keyword, for messages ("INSTALL", "COPY"). */
function leadingKeyword(sql: string): string {
  const stripped = sql.replace(/^(\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)+/, '');
  return (/^[A-Za-z_]+/.exec(stripped)?.[0] ?? '').toUpperCase();
}

/**
 * Checks that `sql` is exactly one SELECT (or WITH … SELECT, FROM …, VALUES …) and returns it without
 * trailing semicolons, ready to be wrapped as a subquery. DuckDB's own parser decides.
 */
export async function requireSingleSelect(conn: DuckDBConnection, sql: string): Promise<string> {
  // Trailing semicolons (and comments after them) would end the statement the query is wrapped in.
  const text = sql.replace(/;(?:\s|--[^\n]*)*$/, '').replace(/[\s;]+$/, '');
  if (text.trim() === '') throw new SqlError('statement', 'The SQL is empty: write one SELECT query');
  const reader = await conn.runAndReadAll(`SELECT json_serialize_sql(${quoteLiteral(text)}) AS j`);
  const parsed = JSON.parse(String(reader.getRowObjectsJS()[0]?.j)) as {
    error: boolean;
    error_type?: string;
    error_message?: string;
    position?: string;
    statements?: unknown[];
  };
  if (parsed.error) {
    if (parsed.error_type === 'parser') {
      const position = parsed.position === undefined ? undefined : Number(parsed.position);
      const detail = parsed.error_message ?? 'the SQL cannot be parsed';
      const message = /^syntax error/i.test(detail) ? `S${detail.slice(1)}` : `Syntax error: ${detail}`;
      throw new SqlError('parse', message, position);
    }
    const keyword = leadingKeyword(text);
    throw new SqlError(
      'statement',
      `Only a SELECT query is allowed here${keyword && keyword !== 'SELECT' ? `, not ${keyword}` : ''}: ` +
        'steps read their input tables and return one table; they cannot change settings, attach databases, load extensions or write files',
    );
  }
  if ((parsed.statements?.length ?? 0) !== 1) {
    throw new SqlError('statement', `Write exactly one SELECT query (found ${parsed.statements?.length ?? 0} statements)`);
  }
  const reads = settingsFunctionIn(parsed.statements);
  if (reads) {
    throw new SqlError('permission', `Not allowed: ${reads}() reads the server's own settings; steps may use only their own input tables`);
  }
  return text;
}

// Functions that read the DuckDB instance's settings and state (paths of the data folder, the home directory,
// variables, secrets) rather than data: nothing a step needs, and no business of the person writing it.
const SETTINGS_FUNCTIONS = new Set([
  'getvariable',
  'current_setting',
  'duckdb_settings',
  'duckdb_secrets',
  'which_secret',
  'duckdb_extensions',
  'duckdb_databases',
  'duckdb_temporary_files',
  'duckdb_memory',
]);

/** The first settings function the parsed statement calls (scalar or table function), if any. */
function settingsFunctionIn(node: unknown): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = settingsFunctionIn(item);
      if (found) return found;
    }
    return undefined;
  }
  if (!node || typeof node !== 'object') return undefined;
  const name = (node as { function_name?: unknown }).function_name;
  if (typeof name === 'string' && SETTINGS_FUNCTIONS.has(name.toLowerCase())) return name.toLowerCase();
  for (const value of Object.values(node)) {
    const found = settingsFunctionIn(value);
    if (found) return found;
  }
  return undefined;
}

/** DuckDB's message without its source excerpt (kept as a position) and without long candidate lists. */
export function sqlErrorOf(err: unknown, sql: string): SqlError {
  if (err instanceof SqlError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  const [head = raw, excerpt] = raw.split(/\n\s*\nLINE \d+:/);
  const lineMatch = /\n\s*\nLINE (\d+): ([^\n]*)\n( *)\^/.exec(raw);
  let position: number | undefined;
  if (lineMatch && excerpt !== undefined) {
    const lineNo = Number(lineMatch[1]);
    const shown = lineMatch[2]!;
    const caret = lineMatch[3]!.length - `LINE ${lineNo}: `.length;
    const lines = sql.split('\n');
    const line = lines[lineNo - 1];
    const visible = shown.replace(/^\.\.\./, '');
    const at = line?.indexOf(visible.slice(0, 40)) ?? -1;
    if (line !== undefined && at >= 0) {
      const before = lines.slice(0, lineNo - 1).reduce((n, l) => n + l.length + 1, 0);
      position = before + at + caret - (shown.length - visible.length);
    }
  }
  const message = head
    .split('\n\tCandidate functions:')[0]!
    .replace(/^(Binder|Catalog|Parser|Conversion|Invalid Input|Permission|Out of Memory|Not implemented) Error: /, '')
    .trim();
  const kind: SqlErrorKind = /^Permission Error/.test(raw) ? 'permission' : /^(Binder|Catalog) Error/.test(raw) ? 'bind' : /^Parser Error/.test(raw) ? 'parse' : 'runtime';
  const prefix = kind === 'permission' ? 'Not allowed: ' : '';
  return new SqlError(kind, prefix + message.replace(/ - file system operations are disabled by configuration$/, ': steps may read only their own input tables'), position);
}

/**
 * Runs the person's SELECT inside a statement of ours. Newlines keep a trailing "-- comment" from
 * swallowing what follows; error positions are mapped back into the person's text.
 */
async function runWrapped(conn: DuckDBConnection, before: string, select: string, after: string): Promise<void> {
  const head = `${before}\n`;
  const statement = `${head}${select}\n${after}`;
  try {
    await conn.run(statement);
  } catch (err) {
    const e = sqlErrorOf(err, statement);
    throw new SqlError(e.kind, e.message, e.position === undefined ? undefined : e.position - head.length);
  }
}

export interface SandboxedTable {
  /** The name the SQL uses for it. */
  name: string;
  /** Its Parquet file. */
  file: string;
}

/**
 * Runs one person-written SELECT over the given Parquet tables and writes its result to `outFile` as
 * Parquet. The query is stopped when `signal` aborts or after `timeoutMs`.
 */
export async function runSandboxedSelect(opts: {
  sql: string;
  tables: SandboxedTable[];
  outFile: string;
  timeoutMs: number;
  signal?: AbortSignal;
}): Promise<void> {
  const spillDir = await fs.mkdtemp(path.join(path.dirname(opts.outFile), 'spill-'));
  const box = await openSandbox({ readable: opts.tables.map((t) => t.file), writable: opts.outFile, spillDir });
  try {
    await withDeadline(box.conn, opts, async () => {
      for (const t of opts.tables) {
        await box.conn.run(`CREATE TEMP VIEW ${quoteIdent(t.name)} AS SELECT * FROM read_parquet(${quoteLiteral(t.file)})`);
      }
      const select = await requireSingleSelect(box.conn, opts.sql);
      await runWrapped(box.conn, 'COPY (', select, `) TO ${quoteLiteral(opts.outFile)} (FORMAT parquet)`);
    }).catch((err: unknown) => {
      throw sqlErrorOf(err, opts.sql);
    });
  } finally {
    box.close();
    await fs.rm(spillDir, { recursive: true, force: true });
  }
}

/**
 * What a query returns, found without data: the query is bound over empty tables of the given schemas
 * and its (empty) result written to Parquet, so the types are those the step's output file will have.
 */
export async function describeSandboxedSelect(request: SqlRequest): Promise<SqlDescription> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'millrace-describe-'));
  const outFile = path.join(dir, 'result.parquet');
  try {
    const box = await openSandbox({ readable: [], writable: outFile });
    try {
      const columns = await withDeadline(box.conn, { timeoutMs: DESCRIBE_TIMEOUT_MS }, async () => {
        for (const [name, schema] of Object.entries(request.tables)) await box.conn.run(emptyTable(name, schema));
        const select = await requireSingleSelect(box.conn, request.sql);
        await runWrapped(box.conn, 'COPY (SELECT * FROM (', select, `) LIMIT 0) TO ${quoteLiteral(outFile)} (FORMAT parquet)`);
        const described = await box.conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quoteLiteral(outFile)})`);
        return described.getRowObjectsJS().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
      });
      return { ok: true, columns };
    } finally {
      box.close();
    }
  } catch (err) {
    const e = sqlErrorOf(err, request.sql);
    return { ok: false, message: e.message, ...positionIn(request, e.position), ...(e.kind === 'timeout' ? { transient: true as const } : {}) };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** An absolute position in the request's SQL, as an offset into the person's part of it (kept only when inside it). */
export function positionIn(request: Pick<SqlRequest, 'sql' | 'offset' | 'length'>, position: number | undefined): { position?: number } {
  if (position === undefined) return {};
  const offset = request.offset ?? 0;
  const length = request.length ?? request.sql.length - offset;
  const relative = position - offset;
  return relative >= 0 && relative <= length ? { position: relative } : {};
}

function emptyTable(name: string, schema: TableSchema): string {
  const cols = schema.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ');
  return `CREATE TEMP TABLE ${quoteIdent(name)} (${cols || '"(no columns)" INTEGER'})`;
}
