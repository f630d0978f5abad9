import { isIP } from 'node:net';
import type { ConnectCluster } from '../../connect/cluster.js';
import type { TlsOptions } from '../../connect/self-managed/transport.js';
import type { KafkaAccess } from '../observe/lag.js';
import type { Check, Probes } from './check.js';
import { checkSchemaRegistry, type SchemaRegistryAccess } from './schema-registry-check.js';

export type { Check, CheckStatus, Probes } from './check.js';

export interface DoctorInput {
  connect: { urls: string[]; auth?: { username: string; password: string }; credentialRef?: string; tls?: TlsOptions };
  kafka?: KafkaAccess;
  schemaRegistry?: SchemaRegistryAccess;
  expect?: { workerVersion?: string; plugins?: Record<string, string> };
  cluster?: ConnectCluster;
  /** Check the endpoints connectors reference (from here) and let the cluster validate their configs. */
  connectors: boolean;
}

const MAX_SKEW_MS = 5_000;

export async function runDoctor(i: DoctorInput, p: Probes): Promise<Check[]> {
  const checks: Check[] = [];
  let connectOk = false;
  for (const url of i.connect.urls) {
    const u = new URL(url);
    const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
    if (!(await reach(checks, p, 'connect', u.hostname, port))) continue;
    try {
      const started = p.now();
      const r = await p.http(url.replace(/\/+$/, '') + '/', i.connect.auth, i.connect.tls);
      const rtt = p.now() - started;
      if (r.status === 200) {
        connectOk = true;
        checks.push({
          id: 'connect.auth',
          target: url,
          status: 'pass',
          detail: i.connect.auth ? `authenticated as ${i.connect.auth.username}` : 'no authentication required',
        });
        const version = (r.body as { version?: string } | undefined)?.version;
        if (i.expect?.workerVersion && version) {
          checks.push(
            version === i.expect.workerVersion
              ? { id: 'connect.version', target: url, status: 'pass', detail: `Kafka Connect ${version}` }
              : {
                  id: 'connect.version',
                  target: url,
                  status: 'fail',
                  detail: `runs Kafka Connect ${version}, the repository expects ${i.expect.workerVersion}`,
                  hint: 'Upgrade (or roll back) the worker, or change expect.workerVersion if the new version is intended.',
                },
          );
        } else if (version)
          checks.push({ id: 'connect.version', target: url, status: 'pass', detail: `Kafka Connect ${version}` });
        if (r.date) {
          const skew = Date.parse(r.date) - (started + rtt / 2);
          // The Date header has a resolution of one second.
          const ok = Math.abs(skew) <= MAX_SKEW_MS + 1000;
          checks.push({
            id: 'clock.skew',
            target: url,
            status: ok ? 'pass' : 'warn',
            detail: `${(skew / 1000).toFixed(1)} s against this machine`,
            ...(ok
              ? {}
              : {
                  hint: 'Synchronise the clocks (NTP/chrony): skew breaks log time windows, token lifetimes and SASL/OAuth.',
                }),
          });
        }
      } else if (r.status === 401) {
        checks.push({
          id: 'connect.auth',
          target: url,
          status: 'fail',
          detail: '401: the worker rejected the credentials',
          hint: i.connect.auth
            ? `Wrong user or password: check user '${i.connect.auth.username}' and ${i.connect.credentialRef ?? 'the password reference'} (and the worker's credentials file).`
            : 'The worker requires basic auth: add connect.auth to the environment in kcops.yaml.',
        });
      } else if (r.status === 403) {
        checks.push({
          id: 'connect.auth',
          target: url,
          status: 'fail',
          detail: '403: authenticated, but not allowed',
          hint: `The credentials are right but user '${i.connect.auth?.username ?? '(anonymous)'}' lacks permission on the REST API; ask the platform team for the role.`,
        });
      } else {
        checks.push({
          id: 'connect.auth',
          target: url,
          status: 'fail',
          detail: `answered HTTP ${r.status}`,
          hint: 'Is this URL a Kafka Connect REST endpoint (not a proxy or another service)?',
        });
      }
    } catch (e) {
      checks.push({
        id: 'connect.http',
        target: url,
        status: 'fail',
        detail: msg(e),
        hint: 'The port is open but HTTP failed: check http vs https and any proxy in between.',
      });
    }
  }

  if (i.kafka) {
    const [host, portText] = splitHostPort(i.kafka.bootstrap);
    if (await reach(checks, p, 'kafka', host, Number(portText))) {
      try {
        await p.sasl(i.kafka);
        checks.push({
          id: 'kafka.sasl',
          target: i.kafka.bootstrap,
          status: 'pass',
          detail: `SASL ${i.kafka.mechanism} as ${i.kafka.username}`,
        });
      } catch (e) {
        const m = msg(e);
        const auth = /auth|sasl|credential|password/i.test(m);
        checks.push({
          id: 'kafka.sasl',
          target: i.kafka.bootstrap,
          status: 'fail',
          detail: m,
          hint: auth
            ? `The broker rejected ${i.kafka.username}: check the API key/secret (or password) reference of kafka.sasl in kcops.yaml and the mechanism (${i.kafka.mechanism}).`
            : 'The port answers but the Kafka handshake failed: check that this is the SASL listener (not PLAINTEXT or SSL) and the mechanism.',
        });
      }
    }
  } else
    checks.push({
      id: 'kafka.sasl',
      target: '-',
      status: 'skip',
      detail: 'no kafka access declared for this environment',
    });

  if (i.schemaRegistry) {
    const u = new URL(i.schemaRegistry.url);
    const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
    if (await reach(checks, p, 'schema-registry', u.hostname, port))
      await checkSchemaRegistry(checks, p, i.schemaRegistry);
  } else await checkSchemaRegistry(checks, p, undefined);

  if (i.cluster && connectOk) {
    const plugins = await i.cluster.plugins().catch(() => undefined);
    for (const [cls, want] of Object.entries(i.expect?.plugins ?? {})) {
      const got = plugins?.find((x) => x.class === cls);
      checks.push(
        !got
          ? {
              id: 'plugin.version',
              target: cls,
              status: 'fail',
              detail: 'not installed',
              hint: 'Install the plugin on every worker (plugin.path) and restart them.',
            }
          : got.version === want
            ? { id: 'plugin.version', target: cls, status: 'pass', detail: got.version }
            : {
                id: 'plugin.version',
                target: cls,
                status: 'fail',
                detail: `${got.version} installed, ${want} expected`,
                hint: 'Align the plugin version on the workers with the repository (or update the expectation).',
              },
      );
    }
    if (i.connectors) {
      const snap = await i.cluster.collect();
      const seen = new Set<string>();
      for (const c of snap.connectors) {
        for (const ep of connectorEndpoints(c.config)) {
          const key = `${ep.host}:${ep.port}`;
          if (seen.has(key)) continue;
          seen.add(key);
          await reach(checks, p, `endpoint(${c.name}: ${ep.key})`, ep.host, ep.port);
        }
        const cls = c.config['connector.class'];
        if (!cls) continue;
        try {
          const v = await i.cluster.validateConfig(cls, c.config);
          checks.push(
            v.errorCount === 0
              ? {
                  id: 'connector.validate',
                  target: c.name,
                  status: 'pass',
                  detail: 'the workers accept the config (and its connection checks)',
                }
              : {
                  id: 'connector.validate',
                  target: c.name,
                  status: 'fail',
                  detail: v.errors
                    .map((e) => `${e.key}: ${e.messages.join('; ')}`)
                    .join(' | ')
                    .slice(0, 400),
                  hint: 'This is what the workers see from their network: check the endpoint, credentials and firewall/security groups between the workers and it.',
                },
          );
        } catch (e) {
          checks.push({
            id: 'connector.validate',
            target: c.name,
            status: 'warn',
            detail: `validation call failed: ${msg(e)}`,
          });
        }
      }
    }
  }
  return checks;
}

/** DNS then TCP; records one check per step and returns whether the port answered. */
async function reach(checks: Check[], p: Probes, what: string, host: string, port: number): Promise<boolean> {
  const target = `${host}:${port}`;
  if (!isIP(host)) {
    try {
      const addrs = await p.resolve(host);
      checks.push({ id: `${what.split('(')[0]}.dns`, target, status: 'pass', detail: addrs.join(', ') });
    } catch (e) {
      checks.push({
        id: `${what.split('(')[0]}.dns`,
        target,
        status: 'fail',
        detail: `${what}: ${msg(e)}`,
        hint: `'${host}' does not resolve from here: check the name, the VPN / Private Link DNS zone and /etc/resolv.conf.`,
      });
      return false;
    }
  }
  try {
    await p.tcp(host, port);
    checks.push({ id: `${what.split('(')[0]}.tcp`, target, status: 'pass', detail: `${what}: port open` });
    return true;
  } catch (e) {
    const m = msg(e);
    checks.push({
      id: `${what.split('(')[0]}.tcp`,
      target,
      status: 'fail',
      detail: `${what}: ${m}`,
      hint: /refused/i.test(m)
        ? `Nothing listens on ${target}: is the service running, and is the port right?`
        : `No answer from ${target}: a firewall, security group or missing route drops the traffic (or the host is down).`,
    });
    return false;
  }
}

export interface Endpoint {
  key: string;
  host: string;
  port: number;
}

/**
 * Network endpoints a connector config points at: databases (Debezium, JDBC URLs), S3-compatible endpoints and the
 * converters' Schema Registry.
 */
export function connectorEndpoints(config: Record<string, string>): Endpoint[] {
  const out: Endpoint[] = [];
  const ref = (v: string | undefined) => v === undefined || v.includes('${');
  const host = config['database.hostname'];
  if (host && !ref(host)) {
    const port = Number(config['database.port'] ?? (String(config['connector.class']).includes('MySql') ? 3306 : 5432));
    out.push({ key: 'database.hostname', host, port });
  }
  for (const [k, v] of Object.entries(config)) {
    // A reference elsewhere in a JDBC URL (the password) does not hide its host.
    if (/(^|\.)connection\.url$/.test(k)) {
      const m = /^jdbc:[a-z0-9]+:(?:\/\/|@\/\/|thin:@\/\/)?([^/:;?@$]+):(\d+)/i.exec(v);
      if (m) out.push({ key: k, host: m[1]!, port: Number(m[2]) });
    }
    if (ref(v)) continue;
    // Converters' Schema Registry (`value.converter.schema.registry.url`): one or more comma-separated URLs.
    if (/schema\.registry\.url$/.test(k)) {
      for (const one of v.split(',').map((x) => x.trim())) {
        if (!/^https?:\/\//.test(one)) continue;
        const u = new URL(one);
        out.push({ key: k, host: u.hostname, port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)) });
      }
      continue;
    }
    if (/(s3\.endpoint|store\.url|endpoint\.url|aws\.s3\.endpoint)$/i.test(k) && /^https?:\/\//.test(v)) {
      const u = new URL(v);
      out.push({ key: k, host: u.hostname, port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)) });
    }
  }
  return out;
}

function splitHostPort(s: string): [string, string] {
  const i = s.lastIndexOf(':');
  return [s.slice(0, i), s.slice(i + 1)];
}

function msg(e: unknown): string {
  if (e instanceof Error) {
    const c = (e as { cause?: unknown }).cause;
    return c instanceof Error && c.message !== e.message ? `${e.message} (${c.message})` : e.message;
  }
  return String(e);
}

export function doctorFailed(checks: Check[]): boolean {
  return checks.some((c) => c.status === 'fail');
}
