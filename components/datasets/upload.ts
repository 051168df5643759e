// The browser's side of POST /api/v1/datasets: the Content-Type a file is sent as, the upload itself with
// progress (fetch has none for request bodies, so XMLHttpRequest), and the server's refusals in words a
// person can act on.

export const UPLOAD_FORMATS = [
  { extensions: ['.csv'], contentType: 'text/csv', label: 'CSV' },
  { extensions: ['.json'], contentType: 'application/json', label: 'JSON (an array of objects)' },
  { extensions: ['.ndjson', '.jsonl'], contentType: 'application/x-ndjson', label: 'NDJSON (one object per line)' },
  { extensions: ['.parquet'], contentType: 'application/vnd.apache.parquet', label: 'Parquet' },
] as const;

export const ACCEPTED_EXTENSIONS = UPLOAD_FORMATS.flatMap((f) => f.extensions).join(',');

export function uploadFormatOf(fileName: string) {
  const lower = fileName.toLowerCase();
  return UPLOAD_FORMATS.find((f) => f.extensions.some((e) => lower.endsWith(e)));
}

export interface UploadedVersion {
  name: string;
  version: number;
  rows: number;
  columns: { name: string; type: string }[];
  created: boolean;
  warnings?: string[];
}

export interface UploadProblem {
  status: number;
  /** What is wrong, as the server said it. */
  message: string;
  /** What to do about it. */
  hint: string;
}

export type UploadOutcome = { ok: true; version: UploadedVersion } | { ok: false; problem: UploadProblem } | { ok: false; cancelled: true };

/** What a person can do about a refusal, by status (and, for CSV, the line the server names). */
export function hintFor(status: number, message: string): string {
  const line = /\bline (\d+)\b/i.exec(message)?.[1];
  switch (status) {
    case 0:
      return 'The connection to Millrace was lost; check that it is running and try again.';
    case 413:
      return 'Upload a smaller file (split it, or keep the columns you need), or raise MILLRACE_MAX_UPLOAD_BYTES on the server.';
    case 415:
      return 'Save the file as CSV, JSON, NDJSON or Parquet and name it with that extension.';
    case 422:
    case 400:
      return line
        ? `Fix line ${line} of the file (every row needs one value per header column; quote values that contain commas), then upload it again.`
        : 'Fix the file as the message says, then upload it again.';
    case 503:
      return 'A service Millrace depends on did not answer; wait a moment and try again.';
    default:
      return 'Try again; if it keeps failing, the server log has the details.';
  }
}

/** Sends `file` as dataset `name`; `onProgress` gets bytes sent so far. Abort with `signal`. */
export function uploadDataset(
  file: File,
  name: string,
  contentType: string,
  onProgress: (sent: number, total: number) => void,
  signal: AbortSignal,
): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/datasets?name=${encodeURIComponent(name)}`);
    xhr.setRequestHeader('content-type', contentType);
    xhr.responseType = 'text';
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(xhr.responseText) as Record<string, unknown>;
      } catch {
        // Not JSON (a proxy's page): the status says enough.
      }
      if (xhr.status === 200 || xhr.status === 201) {
        resolve({ ok: true, version: body as unknown as UploadedVersion });
        return;
      }
      const message = typeof body.error === 'string' ? body.error : `The server answered ${xhr.status} ${xhr.statusText}`;
      resolve({ ok: false, problem: { status: xhr.status, message, hint: hintFor(xhr.status, message) } });
    };
    xhr.onerror = () => {
      const message = 'The upload did not reach the server, or its answer did not come back';
      resolve({ ok: false, problem: { status: 0, message, hint: hintFor(0, message) } });
    };
    xhr.onabort = () => resolve({ ok: false, cancelled: true });
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
