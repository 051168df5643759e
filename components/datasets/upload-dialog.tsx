'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { FileUp, Upload } from 'lucide-react';
import Link from 'next/link';
import { useEffect, useId, useRef, useState } from 'react';
import { datasetNameFromFile, datasetNameProblem } from '../../workflows/core/dataset-name';
import { useTRPC } from '../trpc';
import { Button } from '../ui/button';
import { cn } from '../ui/cn';
import { Dialog } from '../ui/dialog';
import { formatNumber } from '../ui/format';
import { ACCEPTED_EXTENSIONS, UPLOAD_FORMATS, hintFor, uploadDataset, uploadFormatOf, type UploadedVersion, type UploadProblem } from './upload';

type Phase =
  | { kind: 'choosing' }
  | { kind: 'uploading'; sent: number; total: number }
  | { kind: 'failed'; problem: UploadProblem }
  | { kind: 'done'; version: UploadedVersion };

/** "Upload dataset": a button that opens the dialog. `onUploaded` gets the new (or existing) version. */
export function UploadDatasetButton({
  label = 'Upload dataset',
  size,
  onUploaded,
}: {
  label?: string;
  size?: 'sm' | 'md';
  onUploaded?: (v: UploadedVersion) => void;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size={size} onClick={() => setOpen(true)}>
        <Upload aria-hidden />
        {label}
      </Button>
      {open && <UploadDatasetDialog onClose={() => setOpen(false)} onUploaded={onUploaded} />}
    </>
  );
}

const formatBytes = (n: number) => (n < 1024 ? `${n} bytes` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`);

export function UploadDatasetDialog({ onClose, onUploaded }: { onClose: () => void; onUploaded?: (v: UploadedVersion) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const existing = useQuery(trpc.datasets.list.queryOptions());
  const limit = useQuery(trpc.datasets.uploadLimit.queryOptions());
  const [file, setFile] = useState<File>();
  const [name, setName] = useState('');
  const [phase, setPhase] = useState<Phase>({ kind: 'choosing' });
  const [dragging, setDragging] = useState(false);
  const abort = useRef<AbortController | undefined>(undefined);
  const id = useId();
  useEffect(() => () => abort.current?.abort(), []);

  const format = file && uploadFormatOf(file.name);
  const nameProblem = file ? datasetNameProblem(name) : undefined;
  const taken = existing.data?.find((d) => d.name === name);
  const uploading = phase.kind === 'uploading';
  // Refused here rather than after sending gigabytes: the server would answer 413 and close the connection.
  const tooBig = file && limit.data && file.size > limit.data.maxBytes ? limit.data.maxBytes : undefined;

  const choose = (f: File | undefined) => {
    if (!f) return;
    setFile(f);
    setName(datasetNameFromFile(f.name));
    setPhase({ kind: 'choosing' });
  };

  const start = async () => {
    if (!file || !format || nameProblem || tooBig !== undefined) return;
    const controller = new AbortController();
    abort.current = controller;
    setPhase({ kind: 'uploading', sent: 0, total: file.size });
    const outcome = await uploadDataset(file, name, format.contentType, (sent, total) => setPhase({ kind: 'uploading', sent, total }), controller.signal);
    abort.current = undefined;
    if (outcome.ok) {
      setPhase({ kind: 'done', version: outcome.version });
      void queryClient.invalidateQueries({ queryKey: trpc.datasets.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.datasetVersions.pathKey() });
      onUploaded?.(outcome.version);
    } else if ('problem' in outcome) {
      setPhase({ kind: 'failed', problem: outcome.problem });
    } else {
      setPhase({ kind: 'choosing' });
    }
  };

  const percent = phase.kind === 'uploading' ? (phase.total > 0 ? Math.round((phase.sent / phase.total) * 100) : 100) : phase.kind === 'done' ? 100 : 0;
  const total = file?.size ?? 0;

  return (
    <Dialog
      title="Upload dataset"
      description={`${UPLOAD_FORMATS.map((f) => f.label).join(', ')}. A new name makes a dataset; an existing one gets a new version.`}
      onClose={() => {
        abort.current?.abort();
        onClose();
      }}
      className="w-[560px]"
      footer={
        phase.kind === 'done' ? (
          <Button variant="primary" onClick={onClose}>
            Close
          </Button>
        ) : (
          <>
            <Button
              onClick={() => {
                if (uploading) abort.current?.abort();
                else onClose();
              }}
            >
              Cancel
            </Button>
            <Button variant="primary" disabled={!file || !format || Boolean(nameProblem) || tooBig !== undefined || uploading} onClick={() => void start()}>
              <Upload aria-hidden />
              Upload
            </Button>
          </>
        )
      }
    >
      <div className="space-y-4 px-5 py-4">
        <div
          role="group"
          aria-label="Drop a file here"
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            if (!uploading) choose(e.dataTransfer.files[0]);
          }}
          className={cn(
            'flex flex-col items-center gap-2 rounded-lg border-2 border-dashed px-4 py-6 text-center text-sm',
            dragging ? 'border-accent bg-accent-soft/40' : 'border-line-strong',
          )}
        >
          <FileUp aria-hidden className="size-6 text-fg-subtle" />
          <p className="text-fg-muted">Drop a file here, or</p>
          <label htmlFor={`${id}-file`} className="cursor-pointer font-medium text-accent-strong hover:underline">
            Choose a file
          </label>
          <input
            id={`${id}-file`}
            type="file"
            accept={ACCEPTED_EXTENSIONS}
            className="sr-only"
            disabled={uploading}
            onChange={(e) => choose(e.target.files?.[0])}
          />
          {file && (
            <p className="text-xs text-fg">
              <span className="font-medium">{file.name}</span> · {formatBytes(file.size)}
              {format ? ` · ${format.label}` : ''}
            </p>
          )}
          {tooBig !== undefined && (
            <p role="alert" className="text-xs text-bad-strong">
              This file is larger than the server takes ({formatBytes(tooBig)}, MILLRACE_MAX_UPLOAD_BYTES): {hintFor(413, '')}
            </p>
          )}
          {file && !format && (
            <p role="alert" className="text-xs text-bad-strong">
              &ldquo;{file.name}&rdquo; is not a file Millrace can read: use {UPLOAD_FORMATS.map((f) => f.extensions.join('/')).join(', ')}.
            </p>
          )}
        </div>

        {file && phase.kind !== 'done' && (
          <div>
            <label htmlFor={`${id}-name`} className="mb-1 block text-xs font-medium text-fg">
              Dataset name
            </label>
            <input
              id={`${id}-name`}
              value={name}
              disabled={uploading}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={Boolean(nameProblem) || undefined}
              aria-describedby={`${id}-name-note`}
              spellCheck={false}
              className={cn(
                'h-8 w-full rounded-md border bg-surface px-2.5 font-mono text-[13px] focus:border-accent focus:ring-2 focus:ring-accent/20 focus:outline-none',
                nameProblem ? 'border-bad' : 'border-line-strong',
              )}
            />
            <p id={`${id}-name-note`} className={cn('mt-1 text-xs', nameProblem ? 'font-medium text-bad-strong' : 'text-fg-muted')}>
              {nameProblem ?? (taken ? `"${name}" exists (version ${taken.latestVersion}): this file becomes its next version.` : 'A new dataset.')}
            </p>
          </div>
        )}

        {(phase.kind === 'uploading' || phase.kind === 'done') && (
          <div className="space-y-1">
            <progress className="h-2 w-full" max={100} value={percent} aria-label="Upload progress" />
            <p className="text-xs text-fg-muted tabular-nums" aria-live="polite">
              {phase.kind === 'uploading'
                ? phase.sent >= phase.total
                  ? `${formatBytes(phase.total)} sent (100 %); the server is reading the file…`
                  : `${formatBytes(phase.sent)} of ${formatBytes(phase.total)} (${percent} %)`
                : `${formatBytes(total)} of ${formatBytes(total)} (100 %)`}
            </p>
          </div>
        )}

        {phase.kind === 'failed' && (
          <div role="alert" className="space-y-1 rounded-lg border border-bad/30 bg-bad-soft px-3 py-2 text-sm">
            <p className="font-medium text-bad-strong">Not uploaded: {phase.problem.message}</p>
            <p className="text-fg">{phase.problem.hint}</p>
            <p className="text-xs text-fg-muted">Nothing was created.</p>
          </div>
        )}

        {phase.kind === 'done' && (
          <div role="status" className="space-y-1 rounded-lg border border-ok/30 bg-ok-soft px-3 py-2 text-sm">
            <p className="text-ok-strong">
              {phase.version.created ? 'Uploaded' : 'Already there'}:{' '}
              <Link href={`/datasets/${phase.version.name}?version=${phase.version.version}`} className="font-medium underline">
                {phase.version.name} version {phase.version.version}
              </Link>{' '}
              · {formatNumber(phase.version.rows)} rows × {phase.version.columns.length} columns
              {phase.version.created ? '' : ' (the same bytes as that version; nothing new was stored)'}
            </p>
            {phase.version.warnings && phase.version.warnings.length > 0 && (
              <ul aria-label="Warnings" className="list-disc pl-5 text-xs text-warn-strong">
                {phase.version.warnings.map((w, i) => (
                  <li key={i}>{w}</li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
    </Dialog>
  );
}
