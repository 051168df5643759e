'use client';

import Editor, { type OnMount } from '@monaco-editor/react';
import { useEffect, useRef } from 'react';
import { canonicalJson } from '../../workflows/core/canonical-json';
import type { CompileError } from '../../workflows/core/compiler';
import type { PipelineDocument } from '../../workflows/core/document';
import { compileErrorRanges, documentText, readPaneText, type TextProblem } from './document-text';
import { documentJsonSchema } from './document-json-schema';
import { monaco } from './monaco-setup';

// The pipeline document as JSON in Monaco, kept in step with the canvas both ways:
// - an edit elsewhere (canvas, inspector, undo) rewrites the text, the cursor kept — unless the text holds
//   something not applied yet (typing in progress, or text that is not a document), which is never lost;
// - typing is read once it pauses; a document is applied as one edit, anything else is marked where it is
//   wrong and said in words;
// - the compiler's errors are marked where their node, parameter or edge is written.

const APPLY_AFTER_MS = 400;
const SCHEMA_URI = 'inmemory://millrace/schemas/pipeline.json';
let schemaRegistered = false;

function registerSchema() {
  if (schemaRegistered) return;
  schemaRegistered = true;
  monaco.json.jsonDefaults.setDiagnosticsOptions({
    validate: true,
    allowComments: false,
    trailingCommas: 'error',
    enableSchemaRequest: false,
    schemas: [{ uri: SCHEMA_URI, fileMatch: ['*.millrace.json'], schema: documentJsonSchema() }],
  });
}

export interface DocumentCodeEditorProps {
  document: PipelineDocument;
  /** The compiler's (or the server's) errors about `document`. */
  errors: readonly CompileError[];
  /** A document typed in the pane, to put in place of the graph (one undoable edit). */
  onDocument: (document: PipelineDocument) => void;
  /** Why the text is not applied, or undefined once it is. */
  onTextProblem: (problem: string | undefined) => void;
}

function withKnownPositions(typed: PipelineDocument, current: PipelineDocument): PipelineDocument {
  const positions = new Map(current.nodes.map((n) => [n.id, n.position]));
  return { ...typed, nodes: typed.nodes.map((n) => (n.position || !positions.get(n.id) ? n : { ...n, position: positions.get(n.id) })) };
}

export default function DocumentCodeEditor({ document, errors, onDocument, onTextProblem }: DocumentCodeEditorProps) {
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  /** The text says something the graph does not (not JSON, not a document): it stays as typed. */
  const held = useRef(false);
  const settingValue = useRef(false);
  const latest = useRef({ document, errors, onDocument, onTextProblem });
  useEffect(() => {
    latest.current = { document, errors, onDocument, onTextProblem };
  });
  const documentJson = canonicalJson(document);

  const setMarkers = (owner: string, problems: TextProblem[]) => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    monaco.editor.setModelMarkers(
      model,
      owner,
      problems.map((p) => {
        const start = model.getPositionAt(p.start);
        const end = model.getPositionAt(Math.max(p.end, p.start + 1));
        return { severity: monaco.MarkerSeverity.Error, message: p.message, startLineNumber: start.lineNumber, startColumn: start.column, endLineNumber: end.lineNumber, endColumn: end.column };
      }),
    );
  };

  const setInvalid = (invalid: boolean) => {
    const textArea = editorRef.current?.getDomNode()?.querySelector('textarea');
    if (!textArea) return;
    if (invalid) textArea.setAttribute('aria-invalid', 'true');
    else textArea.removeAttribute('aria-invalid');
  };

  /** The compiler's errors, placed in the text when the text is the document they are about. */
  const markCompileErrors = () => {
    const editor = editorRef.current;
    if (!editor) return;
    const read = readPaneText(editor.getValue(), latest.current.document.name);
    const current = read.kind === 'document' && canonicalJson(read.document) === canonicalJson(latest.current.document);
    setMarkers('millrace-compiler', current ? compileErrorRanges(latest.current.errors, read.value, read.tree) : []);
  };

  const applyText = () => {
    timer.current = undefined;
    const editor = editorRef.current;
    if (!editor) return;
    const { document: current, onDocument: apply, onTextProblem: say } = latest.current;
    const read = readPaneText(editor.getValue(), current.name);
    if (read.kind !== 'document') {
      held.current = true;
      const problems = read.kind === 'syntax' ? [read.problem] : read.problems;
      setMarkers('millrace-text', problems);
      setMarkers('millrace-compiler', []);
      setInvalid(true);
      say(`${problems[0]!.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`);
      return;
    }
    held.current = false;
    setMarkers('millrace-text', []);
    setInvalid(false);
    say(undefined);
    const typed = withKnownPositions(read.document, current);
    if (canonicalJson(typed) !== canonicalJson(current)) apply(typed);
    else markCompileErrors();
  };

  // A change from elsewhere: the text follows, unless it holds something not applied.
  useEffect(() => {
    const editor = editorRef.current;
    const model = editor?.getModel();
    if (!editor || !model || held.current || timer.current) return;
    const read = readPaneText(model.getValue(), document.name);
    if (read.kind === 'document' && canonicalJson(read.document) === documentJson) return;
    const position = editor.getPosition();
    const scrollTop = editor.getScrollTop();
    settingValue.current = true;
    try {
      // An edit (not setValue): Monaco's own undo can still go back to the text before it.
      editor.executeEdits('millrace-sync', [{ range: model.getFullModelRange(), text: documentText(document) }]);
      editor.pushUndoStop();
    } finally {
      settingValue.current = false;
    }
    if (position) editor.setPosition(position);
    editor.setScrollTop(scrollTop);
    // The whole document is rewritten; only the cursor is kept, as it was.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [documentJson]);

  useEffect(markCompileErrors, [errors, documentJson]);

  useEffect(() => () => clearTimeout(timer.current), []);

  const onMount: OnMount = (editor) => {
    editorRef.current = editor;
    markCompileErrors();
  };

  return (
    <Editor
      height="100%"
      language="json"
      path={`${document.name}.millrace.json`}
      defaultValue={documentText(document)}
      beforeMount={registerSchema}
      onMount={onMount}
      onChange={() => {
        if (settingValue.current) return;
        clearTimeout(timer.current);
        timer.current = setTimeout(applyText, APPLY_AFTER_MS);
      }}
      loading={<div className="h-full animate-pulse bg-subtle" aria-hidden />}
      options={{
        ariaLabel: 'Pipeline JSON',
        // A real textarea: what screen readers and the canvas's keyboard shortcuts recognise as text input.
        editContext: false,
        minimap: { enabled: false },
        lineNumbersMinChars: 3,
        glyphMargin: false,
        scrollBeyondLastLine: false,
        fontSize: 13,
        tabSize: 2,
        automaticLayout: true,
        fixedOverflowWidgets: true,
        padding: { top: 6, bottom: 6 },
      }}
    />
  );
}
