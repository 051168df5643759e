// Values the global setup (test/support/global-setup.ts) provides to every test file via `inject(...)`.
export {};

declare module 'vitest' {
  export interface ProvidedContext {
    /** The web app, e.g. http://localhost:41234 */
    baseUrl: string;
    databaseUrl: string;
    /** host:port of the Temporal frontend */
    temporalAddress: string;
    /** The stack's MILLRACE_DATA_DIR (fresh temp folder); run/worker.pid holds the current worker pid. */
    dataDir: string;
    taskQueue: string;
    /** MILLRACE_MAX_UPLOAD_BYTES of the test stack (64 MiB). */
    maxUploadBytes: number;
    /** The stack's MILLRACE_RATE_* (requests per minute). */
    rateLimits: { signIn: number; setup: number; tokenFailures: number; tokenCreate: number; predict: number };
    /** An API token of each role in the `default` workspace (test/support/http.ts sends the admin's by default). */
    tokens: Record<'viewer' | 'editor' | 'deployer' | 'admin', string>;
    /** The test admin's session cookie, `name=value`. */
    adminCookie: string;
  }
}
