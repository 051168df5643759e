import fs from 'node:fs/promises';
import path from 'node:path';
import proto from '@temporalio/proto';

// Checked-in workflow histories (test/integration/histories/*.json, written by test/support/record-histories.ts).
// Stored as protobufjs' JSON of the History message (64-bit numbers as strings, bytes as base64, enums by name)
// and read back with the same library: the SDK's own historyToJSON/historyFromJSON trip over the two copies of
// protobufjs that @temporalio/common and @temporalio/proto each install.

export const HISTORIES_DIR = path.resolve('test/integration/histories');

type History = proto.temporal.api.history.v1.IHistory;

export function historyToText(history: History): string {
  return JSON.stringify(proto.temporal.api.history.v1.History.fromObject(history).toJSON(), null, 1) + '\n';
}

export function historyFromText(text: string): History {
  return proto.temporal.api.history.v1.History.fromObject(JSON.parse(text));
}

/** Every checked-in history: its file name (without .json) and the history. */
export async function checkedInHistories(): Promise<{ name: string; history: History }[]> {
  const files = (await fs.readdir(HISTORIES_DIR)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (f) => ({ name: f.replace(/\.json$/, ''), history: historyFromText(await fs.readFile(path.join(HISTORIES_DIR, f), 'utf8')) })),
  );
}
