import { describe, expect, it } from 'vitest';
import { STEP_LOG_HEAD, STEP_LOG_TAIL, StepLog, type StepLogLine } from '../../workflows/steps/kit/step-log';

const step = { runId: '00000000-0000-0000-0000-000000000001', nodeId: 'train', attempt: 2 };

function collecting() {
  const batches: StepLogLine[][] = [];
  return { batches, write: async (lines: StepLogLine[]) => void batches.push(lines) };
}

describe('a step log', () => {
  it('writes every line of a short step, in order, tagged with run, node and attempt', async () => {
    const sink = collecting();
    const log = new StepLog(step, sink.write);
    log.line('info', 'fit started');
    log.line('warn', 'slow');
    await log.close();
    const lines = sink.batches.flat();
    expect(lines.map((l) => [l.level, l.message])).toEqual([
      ['info', 'fit started'],
      ['warn', 'slow'],
    ]);
    expect(lines.every((l) => l.runId === step.runId && l.nodeId === 'train' && l.attempt === 2)).toBe(true);
  });

  it('writes in batches while the step runs, not a round trip per line', async () => {
    const sink = collecting();
    const log = new StepLog(step, sink.write);
    for (let i = 0; i < 250; i++) log.line('info', `line ${i}`);
    await log.flush();
    await log.close();
    expect(sink.batches.length).toBeLessThanOrEqual(4);
    expect(sink.batches.flat()).toHaveLength(250);
  });

  it('keeps the first and last lines of a chatty step and says how many were dropped', async () => {
    const sink = collecting();
    const log = new StepLog(step, sink.write);
    const total = STEP_LOG_HEAD + STEP_LOG_TAIL + 1234;
    for (let i = 0; i < total; i++) log.line('info', `line ${i}`);
    expect(log.dropped).toBe(1234);
    await log.close();
    const messages = sink.batches.flat().map((l) => l.message);
    expect(messages).toHaveLength(STEP_LOG_HEAD + 1 + STEP_LOG_TAIL);
    expect(messages[0]).toBe('line 0');
    expect(messages[STEP_LOG_HEAD - 1]).toBe(`line ${STEP_LOG_HEAD - 1}`);
    expect(messages[STEP_LOG_HEAD]).toMatch(/^… 1234 line\(s\) dropped/);
    expect(messages[STEP_LOG_HEAD + 1]).toBe(`line ${STEP_LOG_HEAD + 1234}`);
    expect(messages.at(-1)).toBe(`line ${total - 1}`);
  });

  it('cuts a very long message and ignores lines after it closed', async () => {
    const sink = collecting();
    const log = new StepLog(step, sink.write);
    log.line('error', 'x'.repeat(10_000));
    await log.close();
    log.line('info', 'from a cancelled step still working');
    await log.flush();
    const lines = sink.batches.flat();
    expect(lines).toHaveLength(1);
    expect(lines[0]!.message.length).toBeLessThanOrEqual(2000);
    expect(lines[0]!.message.endsWith('…')).toBe(true);
  });

  it('does not fail the step when the log cannot be written', async () => {
    const log = new StepLog(step, () => Promise.reject(new Error('Postgres is down')));
    log.line('info', 'hello');
    const quiet = console.error;
    console.error = () => {};
    try {
      await expect(log.close()).resolves.toBeUndefined();
    } finally {
      console.error = quiet;
    }
  });
});
