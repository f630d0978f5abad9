import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../../errors.js';
import { environmentOf, unknownEnvironment } from '../project/environments.js';
import { findProjectFile, loadProject, projectFileExists } from '../project/load-project.js';
import { loadConnectTls, timeoutMs } from '../observe/connect-tls.js';
import {
  observabilityFileSchema,
  type CloudWait,
  type LogSourceConfig,
  type Observability,
  type OpsTarget,
  type TargetInput,
} from '../observe/target.js';
import { parseDuration } from '../duration.js';
import { findSecretRefs } from '../secrets/reference.js';
import { resolveLocally } from '../secrets/resolve.js';
import { userKey } from '../auth/profile.js';
import { providersOf, SecretResolver } from '../secrets/run-resolver.js';
import { localStackTarget } from './local-stack.js';
import { devStackLogFiles, devStackServerAuditFiles } from '../dev-stack/logs.js';

/**
 * The environment a day-2 command acts on: `--env E` of the repository's kcops.yaml, or, outside a repository (or
 * with `--env dev` when the repository has no `dev`), the local dev stack of `kcops dev up`.
 */
export function resolveTarget(i: TargetInput, o: { lenientSecrets?: boolean } = {}): OpsTarget {
  const file = i.config ? resolve(i.cwd, i.config) : findProjectFile(i.cwd);
  if (file && projectFileExists(file)) {
    const loaded = loadProject(file);
    const p = loaded.project;
    if (!p) {
      throw new UserError('PROJECT_INVALID', `${file} is not valid (${loaded.issues.length} problem(s)).`, {
        hint: 'Run `kcops validate` to see them.',
        details: loaded.issues.slice(0, 5).map((x) => `${x.path || '(root)'}: ${x.message}`),
      });
    }
    const names = Object.keys(p.environments);
    const env = i.env ?? (names.length === 1 ? names[0] : undefined);
    if (env === undefined) {
      throw new UserError('ENV_REQUIRED', `${file} declares ${names.length} environments; say which one with --env.`, {
        hint: `e.g. --env ${names[0]} (one of ${names.join(', ')}).`,
        exitCode: 2,
      });
    }
    const e = environmentOf(p, env);
    if (!e) {
      if (env === 'dev') return { ...localStackTarget(i.processEnv), project: p };
      throw unknownEnvironment(p, env, file);
    }
    const obs = readObservability(loaded.root, env, i.processEnv);
    const sr = e.schemaRegistry
      ? {
          schemaRegistry: {
            url: e.schemaRegistry.url,
            ...(e.schemaRegistry.auth
              ? { auth: { username: e.schemaRegistry.auth.username, passwordRef: e.schemaRegistry.auth.password } }
              : {}),
          },
        }
      : {};
    if (e.cluster.type !== 'self-managed') {
      const cc = e.cluster;
      const providers = providersOf(p, env);
      const resolve = (ref: string) => resolveLocally(ref, providers, i.processEnv);
      // One resolver for the life of this target (one command run): N connectors sharing a secret, one request.
      const secrets = new SecretResolver({ providers, env: i.processEnv });
      const ownCloud = userKey(i.processEnv, p.project, env, 'cloud-api-key');
      return {
        env,
        isDev: false,
        clusterType: 'confluent-cloud',
        connect: { urls: [cc.apiEndpoint] },
        observability: obs,
        projectRoot: loaded.root,
        project: p,
        resolveSecret: resolve,
        resolveSecretAsync: async (ref: string) => secrets.resolveValue(ref),
        ...sr,
        cloud: {
          environmentId: cc.environmentId,
          kafkaClusterId: cc.kafkaClusterId,
          apiEndpoint: cc.apiEndpoint,
          ...(cc.wait ? { wait: cloudWait(cc.wait) } : {}),
          ...(cc.maskedSecretOnUpdate === 'keep' ? { keepsSecretOnMask: true } : {}),
          ...(ownCloud
            ? { apiKey: ownCloud.keyId, apiSecret: ownCloud.secret, credentialRef: ownCloud.source }
            : cc.credentials
              ? {
                  apiKey: resolve(cc.credentials.apiKey),
                  apiSecret: resolve(cc.credentials.apiSecret),
                  credentialRef: cc.credentials.apiSecret,
                }
              : {}),
          resolveValue: (v) =>
            findSecretRefs(v).length > 0 ? secrets.resolveValue(v, { lenient: o.lenientSecrets }) : v,
          ...(e.kafka && 'restEndpoint' in e.kafka && e.kafka.credentials
            ? {
                kafkaRest: {
                  restEndpoint: e.kafka.restEndpoint,
                  apiKey: resolve(e.kafka.credentials.apiKey),
                  apiSecret: resolve(e.kafka.credentials.apiSecret),
                  credentialRef: e.kafka.credentials.apiSecret,
                },
              }
            : {}),
        },
      };
    }
    const c = e.cluster.connect;
    const target: OpsTarget = {
      env,
      isDev: env === 'dev',
      clusterType: 'self-managed',
      connect: { urls: c.urls },
      observability: obs,
      projectRoot: loaded.root,
      project: p,
      resolveSecret: (ref) => resolveLocally(ref, providersOf(p, env), i.processEnv),
      ...sr,
    };
    if (c.tls) target.connect.tls = loadConnectTls(loaded.root, env, c.tls);
    if (c.timeout) target.connect.timeoutMs = timeoutMs(c.timeout);
    // The user's own key (kcops login, or the CI's variables) wins over a shared one in kcops.yaml (REQ-DEPLOY-001).
    const own = userKey(i.processEnv, p.project, env, 'connect-key');
    if (own) {
      target.connect.auth = { username: own.keyId, password: own.secret };
      target.connect.credentialRef = own.source;
    } else if (c.auth) {
      target.connect.auth = {
        username: c.auth.username,
        password: resolveLocally(c.auth.password, p.secretProviders, i.processEnv),
      };
      target.connect.credentialRef = c.auth.password;
    }
    const k = e.kafka;
    if (k && 'bootstrapServers' in k && k.sasl) {
      target.kafka = {
        bootstrap: k.bootstrapServers[0] ?? '',
        username: k.sasl.username,
        password: resolveLocally(k.sasl.password, p.secretProviders, i.processEnv),
        mechanism: k.sasl.mechanism,
      };
    }
    return target;
  }
  if (i.env !== undefined && i.env !== 'dev') {
    throw new UserError(
      'PROJECT_NOT_FOUND',
      `No kcops.yaml here or above ${i.cwd}, so there is no environment '${i.env}'.`,
      {
        hint: 'Run the command inside a configuration repository (or pass --config), or use the local stack with --env dev.',
        exitCode: 2,
      },
    );
  }
  return localStackTarget(i.processEnv);
}

function readObservability(root: string, env: string, processEnv: NodeJS.ProcessEnv): Observability {
  const file = join(root, 'kcops.observability.yaml');
  if (!existsSync(file)) return {};
  let raw: unknown;
  try {
    // maxAliasCount: aliases that expand without bound ("billion laughs") are refused, not followed.
    raw = parseYaml(readFileSync(file, 'utf8'), { maxAliasCount: 100 });
  } catch (e) {
    throw new UserError(
      'OBSERVABILITY_INVALID',
      `${file} cannot be read as YAML: ${(e as Error).message.split('\n')[0]}`,
      {
        hint: 'Fix the file (see docs/episodes/03-operate-connectors.md for its shape).',
      },
    );
  }
  const all = z.record(z.string(), observabilityFileSchema).safeParse(raw ?? {});
  if (!all.success) {
    throw new UserError('OBSERVABILITY_INVALID', `${file} is not valid.`, {
      details: all.error.issues.slice(0, 5).map((x) => `${x.path.join('.')}: ${x.message}`),
      hint: 'See docs/episodes/03-operate-connectors.md for its shape.',
    });
  }
  const { logs, serverAudit, ...rest } = (Object.hasOwn(all.data, env) ? all.data[env] : undefined) ?? {};
  const o: Observability = rest;
  const one = (l: Exclude<typeof logs, undefined | unknown[]>): LogSourceConfig => {
    const c = l.type === 'dev-stack' ? devStackLogFiles(processEnv) : l;
    if (c.type === 'files') c.files = c.files.map((f) => (isAbsolute(f) ? f : join(root, f)));
    return c;
  };
  if (logs) o.logs = Array.isArray(logs) ? logs.map(one) : one(logs);
  if (serverAudit)
    o.serverAudit =
      'type' in serverAudit
        ? devStackServerAuditFiles(processEnv)
        : { files: serverAudit.files.map((f) => (isAbsolute(f) ? f : join(root, f))) };
  return o;
}

/** kcops.yaml `cluster.wait` (durations the schema has checked) in milliseconds. */
function cloudWait(w: Partial<Record<'provisioning' | 'flapWindow' | 'updateWatch' | 'offsets', string>>): CloudWait {
  const ms = (v: string | undefined) => (v === undefined ? undefined : parseDuration(v));
  const out: CloudWait = {};
  const p = ms(w.provisioning);
  const f = ms(w.flapWindow);
  const u = ms(w.updateWatch);
  const o = ms(w.offsets);
  if (p !== undefined) out.provisioningMs = p;
  if (f !== undefined) out.flapWindowMs = f;
  if (u !== undefined) out.updateWatchMs = u;
  if (o !== undefined) out.offsetsMs = o;
  return out;
}
