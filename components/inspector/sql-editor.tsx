'use client';

import Editor, { type OnMount } from '@monaco-editor/react';
import type * as monaco from 'monaco-editor';
import { useEffect, useRef } from 'react';
import { sqlIdent } from '../../workflows/core/sql';
import type { TableSchema } from '../../workflows/core/table-schema';
import '../code/monaco-setup';
import { multiWordStart } from './column-prefix';
import { useTheme } from '../ui/theme';

// Monaco from the local package (see monaco-setup.ts): SQL highlighting, the input tables and their columns
// as completions, DuckDB's parse and bind errors as markers. Loaded only in the browser (see sql-field.tsx).

export interface SqlEditorProps {
  /** The accessible name of the editor's text area. */
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** 'query': a whole SELECT over named tables; 'expression': one expression over the columns of one table. */
  mode: 'query' | 'expression';
  /** Tables the SQL can name (query) or whose columns it can use (expression), by name. */
  tables: Record<string, TableSchema>;
  /** Problems to mark: an offset into the text when DuckDB said where, else the whole text. */
  problems: { message: string; position?: number }[];
  invalid: boolean;
  describedBy?: string;
}

/** What completions offer for each editor, by model URI: one provider serves every editor on the page. */
const completionSources = new Map<string, Pick<SqlEditorProps, 'mode' | 'tables'>>();
let providerRegistered = false;

const KEYWORDS = [
  'SELECT', 'FROM', 'WHERE', 'GROUP BY', 'ORDER BY', 'HAVING', 'LIMIT', 'JOIN', 'LEFT JOIN', 'INNER JOIN', 'FULL JOIN',
  'USING', 'ON', 'AS', 'AND', 'OR', 'NOT', 'IN', 'IS NULL', 'IS NOT NULL', 'BETWEEN', 'LIKE', 'ILIKE', 'CASE', 'WHEN',
  'THEN', 'ELSE', 'END', 'DISTINCT', 'UNION ALL', 'WITH', 'CAST', 'coalesce', 'count', 'sum', 'avg', 'min', 'max',
];

/** A column as it must be written: bare when it is a plain lower-case name, quoted otherwise. */
function columnText(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : sqlIdent(name);
}

function registerCompletions(m: typeof monaco) {
  if (providerRegistered) return;
  providerRegistered = true;
  m.languages.registerCompletionItemProvider('sql', {
    triggerCharacters: ['"', '.'],
    provideCompletionItems(model, position) {
      const source = completionSources.get(model.uri.toString());
      if (!source) return { suggestions: [] };
      const word = model.getWordUntilPosition(position);
      // A completion started inside a quote replaces the quote too.
      const before = model.getValueInRange({ startLineNumber: position.lineNumber, startColumn: Math.max(1, word.startColumn - 1), endLineNumber: position.lineNumber, endColumn: word.startColumn });
      const startColumn = before === '"' ? word.startColumn - 1 : word.startColumn;
      const range = { startLineNumber: position.lineNumber, endLineNumber: position.lineNumber, startColumn, endColumn: word.endColumn };
      const suggestions: monaco.languages.CompletionItem[] = [];
      // A column name may have spaces ("Beak Length (mm)"): what was typed of it may be several words
      // ("Beak L"), all of which the completion replaces, not only the last.
      const typed = model.getLineContent(position.lineNumber).slice(0, position.column - 1);
      const columnRange = (name: string) => {
        const start = multiWordStart(typed, name);
        return start === undefined || start + 1 >= range.startColumn ? { range, quoted: before === '"' } : { range: { ...range, startColumn: start + 1 }, quoted: typed[start] === '"' };
      };
      for (const [table, columns] of Object.entries(source.tables)) {
        if (source.mode === 'query') {
          suggestions.push({ label: table, kind: m.languages.CompletionItemKind.Struct, detail: `table · ${columns.length} columns`, insertText: table, range, sortText: `0${table}` });
        }
        for (const c of columns) {
          const fit = columnRange(c.name);
          suggestions.push({
            label: { label: c.name, description: c.type, detail: source.mode === 'query' ? ` ${table}` : undefined },
            kind: m.languages.CompletionItemKind.Field,
            detail: `${c.type}${source.mode === 'query' ? ` · ${table}` : ''}`,
            insertText: columnText(c.name),
            filterText: `${fit.quoted ? '"' : ''}${c.name}`,
            range: fit.range,
            sortText: `1${c.name}`,
          });
        }
      }
      for (const k of KEYWORDS) suggestions.push({ label: k, kind: m.languages.CompletionItemKind.Keyword, insertText: k, range, sortText: `2${k}` });
      return { suggestions };
    },
  });
}

export default function SqlEditor({ label, value, onChange, mode, tables, problems, invalid, describedBy }: SqlEditorProps) {
  const theme = useTheme();
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor>(undefined);
  const monacoRef = useRef<typeof monaco>(undefined);
  const modelUri = useRef<string>(undefined);
  // The editor owns its text while the person types; the params catch up through onChange. Values the
  // editor emitted and the form has not yet handed back are kept in order: a value coming back that is
  // one of them is the form catching up (an effect can run after a later keystroke), never a reason to
  // overwrite the text. Any other value is a change from elsewhere (undo in the form, another node's
  // value) and is pushed into the editor.
  const unacknowledged = useRef<string[]>([]);
  const settingValue = useRef(false);

  useEffect(() => {
    const editor = editorRef.current;
    if (!editor) return;
    const at = unacknowledged.current.indexOf(value);
    if (at >= 0) {
      unacknowledged.current = unacknowledged.current.slice(at + 1);
      return;
    }
    unacknowledged.current = [];
    if (value === editor.getValue()) return;
    settingValue.current = true;
    try {
      editor.setValue(value);
    } finally {
      settingValue.current = false;
    }
  }, [value]);

  const onMount: OnMount = (editor, m) => {
    editorRef.current = editor;
    monacoRef.current = m;
    registerCompletions(m);
    const model = editor.getModel();
    if (model) {
      modelUri.current = model.uri.toString();
      completionSources.set(modelUri.current, { mode, tables });
    }
    const textArea = editor.getDomNode()?.querySelector('textarea');
    if (textArea && describedBy) textArea.setAttribute('aria-describedby', describedBy);
    if (textArea && invalid) textArea.setAttribute('aria-invalid', 'true');
    applyMarkers();
  };

  useEffect(() => {
    if (modelUri.current) completionSources.set(modelUri.current, { mode, tables });
  }, [mode, tables]);

  useEffect(
    () => () => {
      if (modelUri.current) completionSources.delete(modelUri.current);
    },
    [],
  );

  const applyMarkers = () => {
    const editor = editorRef.current;
    const m = monacoRef.current;
    const model = editor?.getModel();
    if (!editor || !m || !model) return;
    const text = model.getValue();
    const markers = problems.map((p): monaco.editor.IMarkerData => {
      if (p.position === undefined || p.position > text.length) {
        const end = model.getPositionAt(text.length);
        return { severity: m.MarkerSeverity.Error, message: p.message, startLineNumber: 1, startColumn: 1, endLineNumber: end.lineNumber, endColumn: end.column };
      }
      const start = model.getPositionAt(p.position);
      const word = model.getWordAtPosition(start);
      return {
        severity: m.MarkerSeverity.Error,
        message: p.message,
        startLineNumber: start.lineNumber,
        startColumn: start.column,
        endLineNumber: start.lineNumber,
        endColumn: word && word.startColumn === start.column ? word.endColumn : start.column + 1,
      };
    });
    m.editor.setModelMarkers(model, 'duckdb', markers);
    const textArea = editor.getDomNode()?.querySelector('textarea');
    if (textArea) {
      if (invalid) textArea.setAttribute('aria-invalid', 'true');
      else textArea.removeAttribute('aria-invalid');
    }
  };

  useEffect(applyMarkers);

  return (
    <Editor
      theme={theme === 'dark' ? 'vs-dark' : 'vs'}
      height={mode === 'query' ? 168 : 76}
      language="sql"
      defaultValue={value}
      onChange={(v) => {
        const text = v ?? '';
        // The form's own value pushed in above: nothing to hand back.
        if (settingValue.current) return;
        unacknowledged.current.push(text);
        onChange(text);
      }}
      onMount={onMount}
      loading={<div className="h-full animate-pulse rounded-md bg-subtle" aria-hidden />}
      options={{
        ariaLabel: label,
        // A real textarea: what screen readers, the canvas's keyboard shortcuts and form tooling all recognise as text input.
        editContext: false,
        minimap: { enabled: false },
        lineNumbers: mode === 'query' ? 'on' : 'off',
        lineNumbersMinChars: 2,
        folding: false,
        glyphMargin: false,
        wordWrap: 'on',
        scrollBeyondLastLine: false,
        fontSize: 13,
        tabSize: 2,
        renderLineHighlight: 'none',
        overviewRulerLanes: 0,
        automaticLayout: true,
        // Suggestions and hovers may leave the narrow inspector panel.
        fixedOverflowWidgets: true,
        quickSuggestions: { other: true, strings: false, comments: false },
        padding: { top: 6, bottom: 6 },
      }}
    />
  );
}
