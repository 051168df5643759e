import type { Log } from './errors';
import { describeExit, type ManagedChild } from './process';

// Restarts the launcher's children when they die: ~1 s after a crash, backing off (up to 30 s) while a
// child keeps dying right after it started or cannot be started at all. The others keep running.

/** A child that lived this long before dying is restarted after the shortest delay again. */
const STABLE_AFTER_MS = 10_000;
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 30_000;

export interface RestartEvent {
  name: string;
  /** When it was noticed dead. */
  diedAt: number;
  exit: string;
  /** When the replacement was running (undefined while restarting). */
  restartedAt?: number;
}

export interface Supervisor {
  /**
   * Watches a running child: when it exits while the stack is not stopping, `restart` is called (after
   * the backoff delay, and again if it throws) and the child it returns is watched in turn.
   */
  watch(name: string, child: ManagedChild, restart: () => Promise<ManagedChild>): void;
  /** Restarts so far, oldest first. */
  events(): RestartEvent[];
  /** Stops restarting; resolves once no restart is in progress. */
  stop(): Promise<void>;
}

export function createSupervisor(log: Log): Supervisor {
  let stopping = false;
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<unknown>>();
  const events: RestartEvent[] = [];

  const watch = (name: string, child: ManagedChild, restart: () => Promise<ManagedChild>, quickFailures = 0) => {
    const startedAt = Date.now();
    void child.exited.then((e) => {
      if (stopping) return;
      const event: RestartEvent = { name, diedAt: Date.now(), exit: describeExit(e) };
      events.push(event);
      const failures = Date.now() - startedAt > STABLE_AFTER_MS ? 0 : quickFailures + 1;
      schedule(name, event, restart, failures, `The ${name} exited unexpectedly (${event.exit})`);
    });
  };

  const schedule = (name: string, event: RestartEvent, restart: () => Promise<ManagedChild>, failures: number, why: string) => {
    const delay = Math.min(FIRST_DELAY_MS * 2 ** Math.max(0, failures - 1), MAX_DELAY_MS);
    log(`[millrace] ${why}; restarting it in ${Math.round(delay / 1000)} s (the other processes keep running)`);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (stopping) return;
      const attempt = restart().then(
        (child) => {
          if (stopping) {
            // Stopped while it was starting: the stack's stop no longer knows this one.
            void child.terminate(10_000);
            return;
          }
          event.restartedAt = Date.now();
          log(`[millrace] The ${name} is running again (${((event.restartedAt - event.diedAt) / 1000).toFixed(1)} s after it died)`);
          watch(name, child, restart, failures);
        },
        (err: Error) => {
          if (stopping) return;
          schedule(name, event, restart, failures + 1, `Restarting the ${name} failed: ${err.message.split('\n')[0]}`);
        },
      );
      inFlight.add(attempt);
      void attempt.finally(() => inFlight.delete(attempt));
    }, delay);
    timers.add(timer);
  };

  return {
    watch: (name, child, restart) => watch(name, child, restart),
    events: () => events.map((e) => ({ ...e })),
    async stop() {
      stopping = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.allSettled([...inFlight]);
    },
  };
}
