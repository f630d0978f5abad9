import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TlsOptions } from '../../connect/self-managed/transport.js';
import { UserError } from '../../errors.js';
import { parseDuration } from '../duration.js';

export interface ConnectTlsConfig {
  ca?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
  insecureSkipVerify?: boolean | undefined;
}

/**
 * The PEM files named under `cluster.connect.tls`, read once when the environment is resolved, so a wrong path is
 * reported with the setting that names it before any request is made. Paths are relative to kcops.yaml.
 */
export function loadConnectTls(root: string, env: string, tls: ConnectTlsConfig): TlsOptions {
  const read = (key: 'ca' | 'cert' | 'key', path: string): string => {
    const abs = resolve(root, path);
    try {
      return readFileSync(abs, 'utf8');
    } catch (e) {
      throw new UserError(
        'CONNECT_TLS_FILE',
        `Cannot read ${abs} (environments.${env}.cluster.connect.tls.${key}): ${(e as NodeJS.ErrnoException).code ?? String(e)}.`,
        {
          hint:
            key === 'key'
              ? 'The client key is a secret: mount it (CI secret file, Kubernetes secret) at that path; it never belongs in Git.'
              : 'Check the path (relative paths start at the directory of kcops.yaml) and that the file is readable.',
          exitCode: 2,
        },
      );
    }
  };
  const out: TlsOptions = {};
  if (tls.ca) out.ca = read('ca', tls.ca);
  if (tls.cert) out.cert = read('cert', tls.cert);
  if (tls.key) out.key = read('key', tls.key);
  if (tls.insecureSkipVerify) out.insecureSkipVerify = true;
  return out;
}

/** `30s`, `2m`, `500ms` (the schema has checked the shape) → milliseconds. */
export function timeoutMs(v: string): number {
  return parseDuration(v) ?? 30_000;
}
