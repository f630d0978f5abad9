import type { Reporter } from '../../progress.js';
import type { ClusterTraits, ProvisioningPolicy } from '../cluster.js';
import type { RateLimitPolicy, RetryPolicy } from '../http/policy.js';
import { CLOUD_SERVER_KEYS, isMaskedValue } from './normalise.js';

export interface ConfluentCloudOptions {
  /** https://api.confluent.cloud unless a private endpoint is used. */
  apiEndpoint: string;
  environmentId: string;
  kafkaClusterId: string;
  /** Cloud API key (id and secret), resolved by the caller from references. */
  apiKey: string;
  apiSecret: string;
  /** Where the secret came from (e.g. `${env:CCLOUD_API_SECRET}`), named in error hints. */
  credentialRef?: string;
  timeoutMs?: number;
  /** 429: attempts including the first, and the longest Retry-After honoured (longer asks give up at once). */
  rateLimit?: RateLimitPolicy;
  serverRetry?: RetryPolicy;
  /**
   * How the apply waits for this environment's connectors (`traits.provisioning`, see ProvisioningPolicy): how long a
   * new connector may stay PROVISIONING before it is reported pending, the flap window, the watch after an update.
   * `false`: no policy (the apply judges states as on self-managed Connect).
   */
  provisioning?: Partial<Omit<ProvisioningPolicy, 'isLateRejection'>> | false;
  /**
   * Whether this environment's Cloud keeps the stored secret when an update sends the mask back (kcops.yaml
   * `cluster.maskedSecretOnUpdate: keep`). Off by default: no API document says so; the Confluent CLI's update
   * relies on it. Only updates may then carry a mask; a create never does.
   */
  keepsSecretOnMask?: boolean;
  /** Bounded polling of an offsets request until APPLIED or FAILED (first look after `firstPollMs`). */
  offsetsPoll?: Partial<typeof DEFAULT_OFFSETS_POLL>;
  reporter?: Reporter;
  /**
   * Resolves secret references in a value just before it is sent (managed connectors have no worker to resolve
   * them); resolved values go only into the request body over TLS, never into plans, audit records or logs.
   */
  resolveValue?: (value: string) => string | Promise<string>;
  /** Injected by tests to avoid real waiting. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Defaults of the provisioning policy. Terraform's provider waits up to 24 h for a connector (its maintainers report
 * 15 min as typical); 30 min is what one `apply` is given before it says "still pending" and leaves it to Cloud.
 */
export const DEFAULT_PROVISIONING = { timeoutMs: 30 * 60_000, flapWindowMs: 2 * 60_000, updateWatchMs: 60_000 };
/** Terraform's provider waits 30 s after an offsets request, then polls every 15 s for up to 1 h. */
export const DEFAULT_OFFSETS_POLL = { timeoutMs: 15 * 60_000, pollMs: 15_000, firstPollMs: 30_000 };

/** The status trace Cloud shows for an update it accepted (200) and rejected afterwards (research/ccloud.md). */
const LATE_REJECTION = /Unable to validate configuration/i;

/** What Cloud adds to stored configs (server keys, masked secrets) and how it provisions, for the planner and apply. */
export function cloudTraits(opts: ConfluentCloudOptions): ClusterTraits {
  return {
    serverManagedKeys: ['name', ...CLOUD_SERVER_KEYS],
    isMasked: isMaskedValue,
    // Cloud's create takes no initial state: the executor pauses right after create when Git says PAUSED.
    supportsInitialState: false,
    keepsSecretOnMask: opts.keepsSecretOnMask === true,
    ...(opts.provisioning === false
      ? {}
      : {
          provisioning: {
            ...DEFAULT_PROVISIONING,
            ...opts.provisioning,
            isLateRejection: (trace) => trace !== undefined && LATE_REJECTION.test(trace),
          },
        }),
  };
}
