// Requests to a stack made with a bare `fetch` carry an API token unless they bring their own Authorization or
// Cookie, so code written before accounts existed (tests, bench groups) keeps working. `anonymousFetch` sends
// exactly what it is given, for checks without credentials.

const ORIGINAL = Symbol.for('millrace.test.anonymousFetch');
type Fetch = typeof globalThis.fetch;
const holder = globalThis as unknown as { [ORIGINAL]?: Fetch };

/** fetch without the added token. */
export const anonymousFetch: Fetch = (input, init) => (holder[ORIGINAL] ?? globalThis.fetch)(input, init);

/** From now on, this process's fetches to `baseUrl` send `token` as a bearer token (once per process). */
export function sendTokenToStack(baseUrl: string, token: string): void {
  if (holder[ORIGINAL]) return;
  const original = globalThis.fetch;
  holder[ORIGINAL] = original;
  globalThis.fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(baseUrl)) return original(input, init);
    const headers = new Headers(input instanceof Request ? input.headers : undefined);
    new Headers(init?.headers).forEach((value, name) => headers.set(name, value));
    if (headers.has('authorization') || headers.has('cookie')) return original(input, init);
    headers.set('authorization', `Bearer ${token}`);
    return original(input, { ...init, headers });
  };
}
