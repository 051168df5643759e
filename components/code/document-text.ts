import type { CompileError } from '../../workflows/core/compiler';
import { parseEndpoint, pipelineDocumentSchema, type PipelineDocument } from '../../workflows/core/document';
import { indexWhere, lineColumnOf, pathSegments, rangeOfPath, readJson, type JsonSegment, type JsonTree } from './json-locations';

// The pipeline document as text in the code pane, and back: what the text says, and where each problem
// with it is written.

/** A problem with a place in the text (offsets). */
export interface TextProblem {
  message: string;
  start: number;
  end: number;
}

export type PaneText =
  /** Not JSON: the reader's message, at the offset where it stopped. */
  | { kind: 'syntax'; problem: TextProblem }
  /** JSON, but not a document this editor can take: nothing is applied. */
  | { kind: 'shape'; problems: TextProblem[] }
  | { kind: 'document'; document: PipelineDocument; value: unknown; tree: JsonTree };

/** The text the pane shows for a document: the same JSON as Export writes. */
export function documentText(document: PipelineDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function readPaneText(text: string, name: string): PaneText {
  const read = readJson(text);
  if (!read.ok) {
    const { line, column } = lineColumnOf(text, read.offset);
    return { kind: 'syntax', problem: { message: `Not valid JSON (line ${line}, column ${column}): ${read.message}`, start: read.offset, end: read.offset + 1 } };
  }
  const at = (path: readonly JsonSegment[], message: string): TextProblem => ({ message, ...rangeOfPath(read.tree, path) });
  const parsed = pipelineDocumentSchema.safeParse(read.value);
  if (!parsed.success) {
    return {
      kind: 'shape',
      problems: parsed.error.issues.slice(0, 20).map((i) => at(i.path.filter((s): s is JsonSegment => typeof s !== 'symbol'), `${i.path.join('.') || 'document'}: ${i.message}`)),
    };
  }
  const problems: TextProblem[] = [];
  if (parsed.data.name !== name) problems.push(at(['name'], `This editor edits "${name}": the name stays "${name}" (save under another name by creating a new pipeline)`));
  parsed.data.edges.forEach((e, i) => {
    for (const end of ['from', 'to'] as const) {
      if (!parseEndpoint(e[end])) problems.push(at(['edges', i, end], `Edges name "node.port", e.g. "split.train"; "${e[end]}" has no port`));
    }
  });
  if (problems.length > 0) return { kind: 'shape', problems };
  return { kind: 'document', document: parsed.data, value: read.value, tree: read.tree };
}

/** Where the compiler's errors are written in the text: on the edge, the node's parameter, or the document's field. */
export function compileErrorRanges(errors: readonly CompileError[], value: unknown, tree: JsonTree): TextProblem[] {
  return errors.map((e) => {
    if (e.edge) {
      const edge = e.edge;
      const index = indexWhere(value, 'edges', (item) => item.from === edge.from && item.to === edge.to);
      if (index !== undefined) return { message: e.message, ...rangeOfPath(tree, ['edges', index]) };
    }
    if (e.nodeId) {
      const nodeId = e.nodeId;
      const index = indexWhere(value, 'nodes', (item) => item.id === nodeId);
      if (index !== undefined) {
        const segments = pathSegments(e.path);
        // An input that is not connected is not written anywhere: mark the node's id.
        const path = segments[0] === 'inputs' ? ['nodes', index, 'id'] : ['nodes', index, ...segments];
        return { message: e.message, ...rangeOfPath(tree, path) };
      }
    }
    const segments = pathSegments(e.path);
    // About the whole document: its first line.
    return { message: e.message, ...(segments.length > 0 ? rangeOfPath(tree, segments) : { start: tree.start, end: tree.start + 1 }) };
  });
}
