// The header of an uploaded CSV file, read from the first bytes: which delimiter the file uses and its
// column names. Read here (not left to DuckDB's sniffer) so that a file with a broken row is refused
// with that row's line number instead of being re-read as one wide text column.

const DELIMITERS = [',', ';', '\t', '|'] as const;
export type CsvDelimiter = (typeof DELIMITERS)[number];

export interface CsvHeader {
  delimiter: CsvDelimiter;
  names: string[];
}

export class CsvHeaderError extends Error {}

/** The first record of `head` (the file's first bytes; `complete` when that is the whole file). */
export function readCsvHeader(head: Uint8Array, complete: boolean): CsvHeader {
  let text = new TextDecoder('utf-8').decode(head);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let end = -1;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === '\n' && !quoted) {
      end = i;
      break;
    }
  }
  if (end < 0) {
    if (!complete) throw new CsvHeaderError(`The header line (the first line, the column names) is longer than ${head.length} bytes`);
    if (quoted) throw new CsvHeaderError('CSV line 1: a quoted column name is not closed (unterminated quote)');
    end = text.length;
  }
  const line = text.slice(0, end).replace(/\r$/, '');

  const counts = new Map<CsvDelimiter, number>(DELIMITERS.map((d) => [d, 0]));
  quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch as CsvDelimiter)) counts.set(ch as CsvDelimiter, counts.get(ch as CsvDelimiter)! + 1);
  }
  let delimiter: CsvDelimiter = ',';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(delimiter)!) delimiter = d;

  const names: string[] = [];
  let field = '';
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (inQuotes) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') inQuotes = false;
      else field += ch;
    } else if (ch === '"') inQuotes = true;
    else if (ch === delimiter) {
      names.push(field);
      field = '';
    } else field += ch;
  }
  names.push(field);
  return { delimiter, names };
}

/** Column names that appear more than once (DuckDB compares names case-insensitively), with their positions. */
export function duplicateColumns(names: string[]): { name: string; positions: number[] }[] {
  const seen = new Map<string, { name: string; positions: number[] }>();
  names.forEach((name, i) => {
    const key = name.toLowerCase();
    if (!key.trim()) return; // DuckDB names empty headers itself (column0, column1 …)
    const entry = seen.get(key) ?? { name, positions: [] };
    entry.positions.push(i + 1);
    seen.set(key, entry);
  });
  return [...seen.values()].filter((e) => e.positions.length > 1);
}
