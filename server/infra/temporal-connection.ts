import fs from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import { config, type MillraceConfig } from './config';

// How every Millrace process reaches Temporal: plain gRPC to the launcher's local dev server, or TLS
// (with a client certificate for mutual TLS, and/or an API key) to a shared Temporal. The web app, the
// launcher's probe and the Node worker use this; the Python fit worker reads the same variables.

export interface TemporalConnectOptions {
  address: string;
  tls?: TLSConfig | boolean;
  apiKey?: string;
}

/** Connection options for `address` from TEMPORAL_TLS_* and TEMPORAL_API_KEY (files are read now, so a bad path fails at start). */
export function temporalConnectOptions(
  address: string,
  cfg: Pick<MillraceConfig, 'temporalTls' | 'temporalApiKey'> = config(),
): TemporalConnectOptions {
  const t = cfg.temporalTls;
  if (!t) return { address };
  const read = (file: string) => fs.readFileSync(file);
  const tls: TLSConfig = {
    ...(t.certFile && t.keyFile ? { clientCertPair: { crt: read(t.certFile), key: read(t.keyFile) } } : {}),
    ...(t.caFile ? { serverRootCACertificate: read(t.caFile) } : {}),
    ...(t.serverName ? { serverNameOverride: t.serverName } : {}),
  };
  return { address, tls: Object.keys(tls).length > 0 ? tls : true, ...(cfg.temporalApiKey ? { apiKey: cfg.temporalApiKey } : {}) };
}
