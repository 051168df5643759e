// A small typed client of the REST API for the CLI.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

export function apiBase(): string {
  return (process.env.MILLRACE_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/$/, '');
}

export async function api<T>(
  method: string,
  path: string,
  body?: BodyInit,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): Promise<{ status: number; data: T }> {
  const url = `${apiBase()}${path}`;
  // MILLRACE_TOKEN: an API token, sent as a bearer token.
  const token = process.env.MILLRACE_TOKEN?.trim();
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let res: Response;
  try {
    const init: RequestInit & { duplex?: 'half' } = {
      method,
      body,
      headers: body === undefined ? { ...auth, ...headers } : { 'content-type': contentType, ...auth, ...headers },
    };
    // A streamed body (a file pushed from disk) needs half-duplex.
    if (body instanceof ReadableStream) init.duplex = 'half';
    res = await fetch(url, init);
  } catch (err) {
    throw new ApiError(0, `Cannot reach Millrace at ${apiBase()} (${(err as Error).cause ?? (err as Error).message}). Start it with \`npm start\` or set MILLRACE_URL.`, null);
  }
  const text = await res.text();
  let data: unknown = text;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  if (!res.ok && res.status !== 422) {
    const message = (data as { error?: string } | null)?.error ?? `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, message, data);
  }
  return { status: res.status, data: data as T };
}
