// JSON read with the place of every value kept, so a problem found in the parsed document (a compiler
// error's path, a schema issue) can be marked where it is written. JSON.parse gives values without
// places, and its syntax errors say where only in engine-specific wording; this reader says both.

export type JsonSegment = string | number;

export type JsonTree =
  | { kind: 'object'; start: number; end: number; members: { key: string; keyStart: number; keyEnd: number; value: JsonTree }[] }
  | { kind: 'array'; start: number; end: number; items: JsonTree[] }
  | { kind: 'value'; start: number; end: number };

export type JsonRead =
  | { ok: true; value: unknown; tree: JsonTree }
  | { ok: false; message: string; offset: number };

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Line and column (1-based) of an offset, for messages. */
export function lineColumnOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export function readJson(text: string): JsonRead {
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new JsonSyntaxError(message, at);
  };
  const describe = (at: number) => (at >= text.length ? 'the end of the text' : `"${text[at]}"`);
  const space = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const string = (): string => {
    const start = i;
    i++; // the opening quote
    let out = '';
    while (true) {
      if (i >= text.length) fail('This string is not closed: a " is missing', start);
      const c = text[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\n' || c === '\r') fail('A string cannot span lines: a " is missing before the line ends', start);
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else fail(`"\\${e ?? ''}" is not an escape JSON knows`);
      } else {
        out += c;
        i++;
      }
    }
  };
  const value = (): { value: unknown; tree: JsonTree } => {
    space();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const members: Extract<JsonTree, { kind: 'object' }>['members'] = [];
      const out: Record<string, unknown> = {};
      space();
      if (text[i] === '}') {
        i++;
        return { value: out, tree: { kind: 'object', start, end: i, members } };
      }
      while (true) {
        space();
        if (text[i] !== '"') fail(text[i] === '}' ? 'A comma before "}" is not allowed in JSON' : `Expected a property name in double quotes, found ${describe(i)}`);
        const keyStart = i;
        const key = string();
        const keyEnd = i;
        space();
        if (text[i] !== ':') fail(`Expected ":" after the property name "${key}", found ${describe(i)}`);
        i++;
        const member = value();
        out[key] = member.value;
        members.push({ key, keyStart, keyEnd, value: member.tree });
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { value: out, tree: { kind: 'object', start, end: i, members } };
        }
        fail(`Expected "," or "}" after the value of "${key}", found ${describe(i)}`);
      }
    }
    if (c === '[') {
      i++;
      const items: JsonTree[] = [];
      const out: unknown[] = [];
      space();
      if (text[i] === ']') {
        i++;
        return { value: out, tree: { kind: 'array', start, end: i, items } };
      }
      while (true) {
        space();
        if (text[i] === ']') fail('A comma before "]" is not allowed in JSON');
        const item = value();
        out.push(item.value);
        items.push(item.tree);
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { value: out, tree: { kind: 'array', start, end: i, items } };
        }
        fail(`Expected "," or "]" after a list item, found ${describe(i)}`);
      }
    }
    if (c === '"') return { value: string(), tree: { kind: 'value', start, end: i } };
    const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (number && (c === '-' || (c !== undefined && c >= '0' && c <= '9'))) {
      i += number[0].length;
      return { value: Number(number[0]), tree: { kind: 'value', start, end: i } };
    }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return { value: v, tree: { kind: 'value', start, end: i } };
      }
    }
    return fail(c === undefined ? 'The text ends where a value was expected' : `Expected a value (text in double quotes, a number, true, false, null, { or [), found ${describe(i)}`);
  };
  try {
    const read = value();
    space();
    if (i < text.length) fail(`Unexpected ${describe(i)} after the end of the document`);
    return { ok: true, ...read };
  } catch (err) {
    if (err instanceof JsonSyntaxError) return { ok: false, message: err.message, offset: err.offset };
    throw err;
  }
}

/**
 * Where a path points in the text: the value at the path or, when the path goes further than the text
 * (a parameter not written, an input not connected), the property name of the deepest part that exists.
 */
export function rangeOfPath(tree: JsonTree, path: readonly JsonSegment[]): { start: number; end: number } {
  let at: JsonTree = tree;
  let key: { start: number; end: number } | undefined;
  let found = 0;
  for (const segment of path) {
    if (at.kind === 'object') {
      const member = at.members.findLast((m) => m.key === String(segment));
      if (!member) break;
      key = { start: member.keyStart, end: member.keyEnd };
      at = member.value;
    } else if (at.kind === 'array' && typeof segment === 'number' && at.items[segment]) {
      key = undefined;
      at = at.items[segment];
    } else break;
    found++;
  }
  if (found === path.length) return { start: at.start, end: at.end };
  // The deepest part that exists: its name if it has one, else its opening bracket.
  return key ?? { start: at.start, end: at.kind === 'value' ? at.end : at.start + 1 };
}

/** The index of the element of a top-level array (`nodes`, `edges`) whose members match. */
export function indexWhere(value: unknown, list: string, match: (item: Record<string, unknown>) => boolean): number | undefined {
  const items = (value as Record<string, unknown> | null)?.[list];
  if (!Array.isArray(items)) return undefined;
  const index = items.findIndex((item) => item !== null && typeof item === 'object' && match(item as Record<string, unknown>));
  return index >= 0 ? index : undefined;
}

/** A dotted path ("params.rules.0.value") as segments, with list indexes as numbers. */
export function pathSegments(dotted: string | undefined): JsonSegment[] {
  if (!dotted) return [];
  return dotted.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
