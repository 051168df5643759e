/**
 * Who approves or rejects, until accounts exist: the X-Millrace-User header (trimmed, at most 200
 * characters, control characters removed), else the fallback ("api" for REST, "anonymous" for the UI).
 */
export function approverOf(headers: Headers, fallback: 'api' | 'anonymous'): string {
  const name = (headers.get('x-millrace-user') ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
  return name || fallback;
}
