// The fit worker runs each fit in a process forked from itself ahead of time (workflows/ml/worker.py,
// _FitProcess, handed one spec after another): a fit that is stopped really stops, and a fit never outlives its worker. Exercised on the real class, with a
// stand-in for fit.py's fit that blocks until killed.
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { rmSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { python } from '../support/fit-check';
import { processAlive } from '../support/processes';

const prelude = `
import os, sys, time
sys.path.insert(0, ${JSON.stringify(path.resolve('workflows/ml'))})
import worker, fit as fitter
fitter.read_spec = lambda p: {}
def endless(spec):
    fitter.emit("progress", message="fitting")
    while True:
        time.sleep(0.05)
fitter.fit = endless
p = worker._FitProcess()
p.start({"out_dir": sys.argv[1]})
`;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function start(script: string) {
  const dir = path.join('/tmp', `millrace-fit-process-${process.pid}-${Math.random().toString(36).slice(2)}`);
  dirs.push(dir);
  const child = spawn(python, ['-c', prelude + script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error('the worker script ended');
    return line.value;
  };
  return { child, next };
}

async function gone(pid: number) {
  for (let i = 0; i < 50 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return !processAlive(pid);
}

it('a fit process dies with its worker when the worker is SIGKILLed', async () => {
  const { child, next } = start('print(p.pid, flush=True)\ntime.sleep(60)\n');
  const fitPid = Number(await next());
  expect(fitPid).toBeGreaterThan(0);
  expect(processAlive(fitPid)).toBe(true);
  child.kill('SIGKILL');
  expect(await gone(fitPid)).toBe(true);
});

it('stopping a fit kills its process at once, and the fit reports its progress over the pipe', async () => {
  const { child, next } = start(`
print(p.pid, round(p.fork_ms), flush=True)
msgs = []
while not msgs:
    msgs, ended = p.messages()
    time.sleep(0.05)
print(msgs[0][1], msgs[0][2]["message"], flush=True)
p.close()
print(p.process.exitcode, flush=True)
`);
  const [pid, forkMs] = (await next()).split(' ').map(Number);
  console.log(`fork of the worker for one fit: ${forkMs} ms`);
  expect(processAlive(pid!)).toBe(true);
  expect(await next()).toBe('progress fitting');
  expect(await next()).toBe('-9'); // SIGKILL
  expect(processAlive(pid!)).toBe(false);
  child.kill();
});

it('a fit that uses OpenMP (k-means) runs in the forked process after the worker used OpenMP itself', async () => {
  const { child, next } = start(`
p.close()
import numpy as np
from sklearn.cluster import KMeans
X = np.random.default_rng(0).random((50000, 4))
KMeans(n_clusters=4, n_init=1, random_state=0).fit(X)  # the worker warms up with OpenMP
def kmeans(spec):
    KMeans(n_clusters=4, n_init=1, random_state=0).fit(X)
fitter.fit = kmeans
p = worker._FitProcess()
p.start({"out_dir": sys.argv[1]})
# The process stays for its next fit: wait for its answer (a deadlock in OpenMP would never give one).
answers, deadline = [], time.time() + 60
while not any(m[0] != "event" for m in answers) and time.time() < deadline:
    answers += p.messages()[0]
    time.sleep(0.05)
print(p.process.exitcode, [m[0] for m in answers if m[0] != "event"], flush=True)
p.close()
`);
  expect(await next()).toBe("None ['done']");
  child.kill();
});

it('a fit process fits one spec after another and is let go when the worker closes its pipe', async () => {
  const { child, next } = start(`
p.close()  # the endless fit of the prelude
fitter.read_spec = lambda path: {"dir": os.path.basename(os.path.dirname(path))}
fitter.fit = lambda spec: fitter.emit("progress", message=spec["dir"])
def answer():
    got = []
    while not any(m[0] != "event" for m in got):
        got += p.messages()[0]
        time.sleep(0.01)
    return " ".join(m[0] if m[0] != "event" else m[2]["message"] for m in got)
p = worker._FitProcess()
p.start({"out_dir": sys.argv[1] + "/first"})
print(p.pid, answer(), flush=True)
p.start({"out_dir": sys.argv[1] + "/second"})
print(p.pid, answer(), flush=True)
p._specs.close()
p.process.join(10)
print(p.process.exitcode, flush=True)
`);
  const [pid1, ...first] = (await next()).split(' ');
  expect(first.join(' ')).toBe('first done');
  const [pid2, ...second] = (await next()).split(' ');
  expect(pid2).toBe(pid1);
  expect(second.join(' ')).toBe('second done');
  expect(await next()).toBe('0');
  child.kill();
});
