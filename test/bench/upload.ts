// Benchmark 4: dataset uploads through POST /api/v1/datasets on a real stack (Postgres, Temporal, the
// built web app; no worker), next to DuckDB's own CSV → Parquet COPY of the same file, and the web
// server's memory while a ~1 GB CSV streams in.
import { once } from 'node:events';
import { createReadStream, createWriteStream, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/infra/config';
import { quoteLiteral, withDuckDb } from '../../server/infra/duckdb';
import { startStack, type StackHandle } from '../../server/launcher/stack';
import { freePorts } from '../../server/launcher/ports';
import { ensureTemporalCli } from '../../server/setup/temporal-cli';
import type { MemorySnapshot } from './model';
import { result, type BenchResult } from './result';
import { since } from './stats';

const ROWS = 1_000_000;
const REPS = 3;
const BIG_BYTES = 1024 ** 3;

/** Writes `rows` rows of a 10-column CSV (integers, decimals, text, dates, booleans). */
async function writeCsv(file: string, rows: number, seed = 0): Promise<number> {
  const out = createWriteStream(file);
  out.write('id,quantity,price,category,store,discount,sku,day,returned,score\n');
  const cats = ['books', 'garden', 'toys', 'music', 'tools', 'food'];
  for (let start = 0; start < rows; start += 10_000) {
    let chunk = '';
    for (let i = start; i < Math.min(rows, start + 10_000); i++) {
      const k = i + seed;
      const day = `2024-${String((k % 12) + 1).padStart(2, '0')}-${String((k % 28) + 1).padStart(2, '0')}`;
      chunk += `${i},${k % 97},${((k * 7919) % 100_000) / 100},${cats[k % 6]},${k % 1000},${(k % 50) / 100},SKU-${k % 100_003},${day},${k % 13 === 0},${(k * 31) % 1_000_003}\n`;
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return (await stat(file)).size;
}


/** Streams the file with node:http (a plain client, like curl: no web-streams layer on the sending side). */
async function post(baseUrl: string, name: string, file: string): Promise<{ rows: number }> {
  const { size } = await stat(file);
  const url = new URL(`/api/v1/datasets?name=${name}`, baseUrl);
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'text/csv', 'content-length': String(size) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    createReadStream(file, { highWaterMark: 1024 * 1024 }).on('error', reject).pipe(req);
  });
  const body = JSON.parse(text) as { rows: number; error?: string };
  if (status !== 201) throw new Error(`upload ${name}: ${status} ${body.error ?? text}`);
  return body;
}

/** The web app's process that holds the listening socket (next start may run the server in a child). */
function listeningPid(rootPid: number, port: number): number {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && f[3] === '0A' && parseInt(f[1]!.split(':').pop()!, 16) === port) inodes.add(f[9]!);
    }
  }
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone
    }
  }
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  for (const pid of tree) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
        if (inode && inodes.has(inode)) return pid;
      }
    } catch {
      // not ours to read, or gone
    }
  }
  throw new Error(`no process under pid ${rootPid} listens on port ${port}`);
}

/** User + system CPU time of a process so far, in ms (from /proc/PID/stat, in clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export async function runUploadBenchmarks(repoRoot: string): Promise<{ results: BenchResult[]; memory: MemorySnapshot[]; figures: Record<string, number> }> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'millrace-bench-upload-'));
  await chmod(work, 0o755); // the embedded Postgres runs as another user and must reach its data folder
  const dataDir = path.join(work, 'data');
  const results: BenchResult[] = [];
  const memory: MemorySnapshot[] = [];
  const figures: Record<string, number> = {};
  let stack: StackHandle | undefined;
  const log: string[] = [];
  try {
    const csv = path.join(work, 'sales.csv');
    const csvBytes = await writeCsv(csv, ROWS);

    const repoDefaults = loadConfig({ ...process.env, MILLRACE_DATA_DIR: path.join(repoRoot, '.millrace') });
    const temporalCli = process.env.TEMPORAL_CLI ?? (await ensureTemporalCli(repoDefaults));
    const [port, pgPort, temporalPort, temporalUiPort] = await freePorts(4);
    const cfg = loadConfig({
      ...process.env,
      DATABASE_URL: undefined,
      TEMPORAL_ADDRESS: undefined,
      MILLRACE_DATA_DIR: dataDir,
      PORT: String(port),
      MILLRACE_PG_PORT: String(pgPort),
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(temporalUiPort),
      TEMPORAL_CLI: temporalCli,
    });
    stack = await startStack(cfg, { web: 'start', worker: false, seed: false, temporalCli, log: (line) => log.push(line) });
    const baseUrl = stack.webUrl!;
    const webPid = listeningPid(Number(readFileSync(path.join(dataDir, 'run', 'web.pid'), 'utf8').trim()), port);
    memory.push({ label: 'web server after start', rssMB: rssMB(webPid) });

    // Alternating, so both see the same machine load: DuckDB's own conversion of the file in this
    // process (same thread count as the web server's), then the whole upload. The first round warms up.
    const duckMs: number[] = [];
    const uploadMs: number[] = [];
    let duckCpu = 0;
    let serverCpu = 0;
    let clientCpu = 0;
    for (let i = 0; i <= REPS; i++) {
      const out = path.join(work, `duck-${i}.parquet`);
      let t = performance.now();
      let own = process.cpuUsage();
      await withDuckDb((conn) => conn.run(`COPY (SELECT * FROM read_csv(${quoteLiteral(csv)})) TO ${quoteLiteral(out)} (FORMAT parquet)`));
      if (i > 0) {
        duckMs.push(since(t));
        const used = process.cpuUsage(own);
        duckCpu += (used.user + used.system) / 1000;
      }
      await rm(out);
      const server = cpuMs(webPid);
      own = process.cpuUsage();
      t = performance.now();
      const { rows } = await post(baseUrl, `bench-sales-${i}`, csv); // a new name each time: never the same-bytes shortcut
      if (i > 0) {
        uploadMs.push(since(t));
        const used = process.cpuUsage(own);
        clientCpu += (used.user + used.system) / 1000;
        serverCpu += cpuMs(webPid) - server;
      }
      if (rows !== ROWS) throw new Error(`uploaded ${rows} rows of ${ROWS}`);
    }
    const input = `${ROWS.toLocaleString('en')} rows × 10 columns, ${(csvBytes / 2 ** 20).toFixed(0)} MiB CSV`;
    const duck = result({
      group: 'upload',
      name: 'DuckDB COPY read_csv → Parquet',
      input,
      size: ROWS,
      sizeUnit: 'rows',
      samplesMs: duckMs,
      throughputUnit: 'rows/s',
      notes: 'the baseline: COPY (SELECT * FROM read_csv(file)) TO parquet, default sniffing, in the bench process; alternating with the uploads, after one warm-up round',
    });
    const upload = result({
      group: 'upload',
      name: 'POST /api/v1/datasets CSV',
      input,
      size: ROWS,
      sizeUnit: 'rows',
      samplesMs: uploadMs,
      throughputUnit: 'rows/s',
      notes: 'whole request from a streaming client: body to disk with sha256, sniff + COPY to Parquet, describe, store (rename), Postgres rows',
    });
    const ratio = upload.throughput!.perSecond / duck.throughput!.perSecond;
    figures['upload rows/s ÷ DuckDB COPY rows/s (goal ≥ 0.8)'] = Number(ratio.toFixed(3));
    upload.notes += `; ${ratio.toFixed(2)} × DuckDB's own COPY`;
    upload.ratio = { value: upload.ms.median / duck.ms.median, to: "DuckDB's own COPY (time)" };
    // CPU time per run. With every core busy the whole time, an upload could take no less than
    // (server + client CPU) / cores; that bounds the ratio reachable on this machine.
    const cores = os.cpus().length;
    const perRun = (total: number) => Math.round(total / REPS);
    figures['upload: DuckDB COPY CPU ms per run'] = perRun(duckCpu);
    figures['upload: web server CPU ms per upload'] = perRun(serverCpu);
    figures['upload: client CPU ms per upload'] = perRun(clientCpu);
    figures[`upload: best ratio reachable with ${cores} cores fully busy`] = Number(
      (duck.ms.median / ((serverCpu + clientCpu) / REPS / cores)).toFixed(3),
    );
    results.push(duck, upload);

    // ~1 GB: the web server's resident memory, sampled every 50 ms during the upload.
    const big = path.join(work, 'big.csv');
    const bigRows = Math.round((BIG_BYTES / csvBytes) * ROWS);
    const bigBytes = await writeCsv(big, bigRows, 1);
    const before = rssMB(webPid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMB(webPid))), 50);
    const t = performance.now();
    try {
      const { rows } = await post(baseUrl, 'bench-big', big);
      if (rows !== bigRows) throw new Error(`uploaded ${rows} rows of ${bigRows}`);
    } finally {
      clearInterval(sampler);
    }
    const bigMs = since(t);
    peak = Math.max(peak, rssMB(webPid));
    const growth = peak - before;
    results.push(
      result({
        group: 'upload',
        name: 'POST /api/v1/datasets ~1 GB CSV',
        input: `${bigRows.toLocaleString('en')} rows × 10 columns, ${(bigBytes / 2 ** 20).toFixed(0)} MiB CSV`,
        size: bigRows,
        sizeUnit: 'rows',
        samplesMs: [bigMs],
        throughputUnit: 'rows/s',
        notes: `one upload; web server (pid of the process listening) RSS ${before.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB: +${growth.toFixed(0)} MB`,
      }),
    );
    memory.push({ label: 'web server before the ~1 GB upload (after the 1M-row ones)', rssMB: before }, { label: 'web server peak during the ~1 GB upload', rssMB: peak });
    figures['web server peak RSS growth during ~1 GB upload, MB (goal < 300)'] = Math.round(growth);
    return { results, memory, figures };
  } catch (err) {
    if (log.length) console.error(log.slice(-30).join('\n'));
    throw err;
  } finally {
    await stack?.stop();
    await rm(work, { recursive: true, force: true });
  }
}
