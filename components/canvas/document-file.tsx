'use client';

import { Download, Upload } from 'lucide-react';
import { useId, useRef } from 'react';
import { pipelineDocumentSchema, type PipelineDocument } from '../../workflows/core/document';
import { Button } from '../ui/button';

// A pipeline as a file: Export downloads the document being edited (millrace/v1 JSON, the same as
// `millrace apply` takes); Import reads one into the editor in place of the graph, to be saved as a new version.

/** Reads a file as a pipeline document; the error says what is wrong, with the path of the first problems. */
export function readDocumentFile(text: string): { ok: true; document: PipelineDocument } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `not JSON (${(err as Error).message})` };
  }
  const parsed = pipelineDocumentSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'document'}: ${i.message}`);
    return { ok: false, error: `not a millrace/v1 pipeline (${issues.join('; ')})` };
  }
  return { ok: true, document: parsed.data };
}

export function DocumentFileButtons({
  document,
  onImport,
  onError,
}: {
  document: PipelineDocument;
  onImport: (document: PipelineDocument, fileName: string) => void;
  onError: (message: string) => void;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const download = () => {
    const blob = new Blob([`${JSON.stringify(document, null, 2)}\n`], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = window.document.createElement('a');
    a.href = url;
    a.download = `${document.name}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <>
      <Button onClick={download} title="Download this pipeline as a millrace/v1 JSON file">
        <Download aria-hidden />
        Export
      </Button>
      <Button onClick={() => input.current?.click()} title="Replace the graph with a pipeline file (saved when you save)">
        <Upload aria-hidden />
        Import
      </Button>
      <label htmlFor={`${id}-file`} className="sr-only">
        Import a pipeline file
      </label>
      <input
        ref={input}
        id={`${id}-file`}
        type="file"
        accept=".json,application/json"
        className="hidden"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (!file) return;
          if (file.size > 5 * 1024 ** 2) return onError(`Not imported: ${file.name} is larger than 5 MB`);
          const read = readDocumentFile(await file.text());
          if (read.ok) onImport(read.document, file.name);
          else onError(`Not imported: ${file.name} is ${read.error}`);
        }}
      />
    </>
  );
}
