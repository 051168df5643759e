// The launcher's supervisor with real child processes: a child that dies is started again and watched
// in turn; once stopped, nothing is restarted.
import { describe, expect, it } from 'vitest';
import { spawnManaged, type ManagedChild } from '../../server/launcher/process';
import { createSupervisor } from '../../server/launcher/supervisor';

const longRunning = () => spawnManaged({ name: 'sleeper', command: process.execPath, args: ['-e', 'setTimeout(() => {}, 60_000)'] });

async function until<T>(fn: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('supervisor', () => {
  it('restarts a killed child, logs it, and stops restarting once stopped', async () => {
    const lines: string[] = [];
    const supervisor = createSupervisor((l) => lines.push(l));
    const children: ManagedChild[] = [longRunning()];
    const restart = async () => {
      const child = longRunning();
      children.push(child);
      return child;
    };
    supervisor.watch('sleeper', children[0]!, restart);
    try {
      children[0]!.kill();
      await until(() => (children.length === 2 && supervisor.events()[0]?.restartedAt ? true : undefined));
      expect(children[1]!.pid).not.toBe(children[0]!.pid);
      expect(children[1]!.hasExited()).toBe(false);
      expect(supervisor.events()[0]).toMatchObject({ name: 'sleeper', exit: 'signal SIGKILL' });
      expect(lines.join('\n')).toMatch(/The sleeper exited unexpectedly \(signal SIGKILL\); restarting it in 1 s/);
      expect(lines.join('\n')).toMatch(/The sleeper is running again/);

      // The replacement is watched too.
      children[1]!.kill();
      await until(() => (children.length === 3 && supervisor.events()[1]?.restartedAt ? true : undefined));
    } finally {
      await supervisor.stop();
    }
    const last = children[children.length - 1]!;
    last.kill();
    await last.exited;
    await new Promise((r) => setTimeout(r, 1500));
    expect(children.length).toBe(3);
  });

  it('tries again, backing off, when starting the child fails', async () => {
    const lines: string[] = [];
    const supervisor = createSupervisor((l) => lines.push(l));
    let attempts = 0;
    const first = longRunning();
    let replacement: ManagedChild | undefined;
    supervisor.watch('flaky', first, async () => {
      attempts++;
      if (attempts === 1) throw new Error('port still in use');
      replacement = longRunning();
      return replacement;
    });
    try {
      first.kill();
      await until(() => replacement);
      expect(attempts).toBe(2);
      expect(lines.join('\n')).toMatch(/Restarting the flaky failed: port still in use; restarting it in 2 s/);
    } finally {
      await supervisor.stop();
      replacement?.kill();
    }
  });
});
