import type { TlsOptions } from '../../connect/self-managed/transport.js';
import type { KafkaAccess } from '../observe/lag.js';

/** One doctor finding and the probes that produce them: their own module, shared by the self-managed and Cloud doctors. */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface Check {
  /** Stable id, e.g. connect.auth, kafka.sasl, connector.endpoint. */
  id: string;
  target: string;
  status: CheckStatus;
  detail: string;
  hint?: string;
}

/** Everything doctor does to the outside world, injected so the checks are tested with fakes. */
export interface Probes {
  resolve(host: string): Promise<string[]>;
  tcp(host: string, port: number): Promise<void>;
  /** GET with basic auth; the Date header lets doctor measure clock skew. */
  http(
    url: string,
    auth?: { username: string; password: string },
    tls?: TlsOptions,
  ): Promise<{ status: number; date?: string; body?: unknown }>;
  sasl(k: KafkaAccess): Promise<void>;
  now(): number;
}
