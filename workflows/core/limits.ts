// Bounds on what a client may send, checked before anything expensive (or recursive) touches it.
// Isomorphic and iterative: a hostile document can neither block nor overflow the stack.

export interface DocumentLimits {
  /** Bytes of the JSON text. */
  maxBytes: number;
  maxNodes: number;
  maxEdges: number;
  /** Nesting of arrays and objects, counting the document itself as 1. */
  maxDepth: number;
  /** Characters of any one string (names, notes, parameter values). */
  maxStringLength: number;
}

export const DEFAULT_DOCUMENT_LIMITS: DocumentLimits = {
  maxBytes: 5 * 1024 * 1024,
  maxNodes: 10_000,
  maxEdges: 40_000,
  maxDepth: 32,
  maxStringLength: 100_000,
};

export type LimitViolation = { status: 413 | 422; message: string; path?: string };

/** Deepest nesting of [ and { outside strings, scanning the text once. Stops early past `stopAt`. */
export function jsonTextDepth(text: string, stopAt = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > stopAt) return max;
      }
    } else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/** Checks the raw JSON text: size (413) and nesting depth (422), before JSON.parse. */
export function checkJsonText(text: string, byteLength: number, limits: DocumentLimits): LimitViolation | undefined {
  if (byteLength > limits.maxBytes) {
    return { status: 413, message: `The document is ${byteLength} bytes; at most ${limits.maxBytes} are accepted` };
  }
  const depth = jsonTextDepth(text, limits.maxDepth);
  if (depth > limits.maxDepth) {
    return { status: 422, message: `The document is nested deeper than ${limits.maxDepth} levels` };
  }
  return undefined;
}

/** Walks a parsed value without recursion: depth, string lengths, node and edge counts. */
export function checkDocumentValue(value: unknown, limits: DocumentLimits): LimitViolation | undefined {
  if (value && typeof value === 'object') {
    const { nodes, edges } = value as { nodes?: unknown; edges?: unknown };
    if (Array.isArray(nodes) && nodes.length > limits.maxNodes) {
      return { status: 422, path: 'nodes', message: `The document has ${nodes.length} nodes; at most ${limits.maxNodes} are accepted` };
    }
    if (Array.isArray(edges) && edges.length > limits.maxEdges) {
      return { status: 422, path: 'edges', message: `The document has ${edges.length} edges; at most ${limits.maxEdges} are accepted` };
    }
  }
  const stack: { v: unknown; depth: number; path: string }[] = [{ v: value, depth: 1, path: '' }];
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.length > limits.maxStringLength) {
        return { status: 422, path, message: `${path || 'A value'} is ${v.length} characters long; at most ${limits.maxStringLength} are accepted` };
      }
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth > limits.maxDepth) return { status: 422, path, message: `The document is nested deeper than ${limits.maxDepth} levels` };
    const entries: [string, unknown][] = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v);
    for (const [k, child] of entries) {
      if (k.length > limits.maxStringLength) {
        return { status: 422, path, message: `A key under ${path || 'the document'} is longer than ${limits.maxStringLength} characters` };
      }
      stack.push({ v: child, depth: depth + 1, path: path ? `${path}.${k}` : k });
    }
  }
  return undefined;
}
