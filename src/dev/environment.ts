import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { LocalStackProvider } from '../core/environment/local-stack.js';
import type { OpsTarget } from '../core/observe/target.js';
import { credentialsSchema } from './credentials.js';
import { layout, resolveSettings } from './settings.js';
import { readState } from './state.js';
import { keyFileSchema } from '../core/access/key-file.js';
import type { Ownership } from '../core/auth/ownership.js';

/** The teams the stack's workers enforce (its key file); none before the first `dev up` with the extension. */
function devTeams(keysFile: string): Ownership | undefined {
  if (!existsSync(keysFile)) return undefined;
  try {
    const r = keyFileSchema.safeParse(JSON.parse(readFileSync(keysFile, 'utf8')));
    return r.success ? r.data.teams : undefined;
  } catch {
    // Unreadable: kcops cannot tell in advance, and the workers still decide every request.
    return undefined;
  }
}

/** The local stack of `kcops dev up` (its home: KCOPS_DEV_HOME or ~/.kcops/dev). */
export function devTarget(processEnv: NodeJS.ProcessEnv): OpsTarget {
  const s = resolveSettings({ env: processEnv });
  const l = layout(s);
  if (!existsSync(l.credentials)) {
    throw new UserError('DEV_NOT_RUNNING', `No kcops.yaml here and no dev stack in ${s.home}.`, {
      hint: 'Start the local stack with `kcops dev up` (or set KCOPS_DEV_HOME), or run inside a configuration repository with --env.',
    });
  }
  const creds = credentialsSchema.parse(JSON.parse(readFileSync(l.credentials, 'utf8')));
  const ports = readState(l.state)?.ports ?? s.ports;
  const teams = devTeams(l.accessKeys);
  // A pipeline's own key (the CI variables) wins over the stack's admin identity, as it does in a repository.
  const id = processEnv.KCOPS_CONNECT_KEY_ID;
  const secret = processEnv.KCOPS_CONNECT_KEY_SECRET;
  const own = id && secret ? { username: id, password: secret } : undefined;
  return {
    env: 'dev',
    isDev: true,
    clusterType: 'self-managed',
    connect: {
      urls: ports.connect.map((p) => `http://127.0.0.1:${p}`),
      auth: own ?? creds.connect,
      credentialRef: own ? '${env:KCOPS_CONNECT_KEY_SECRET}' : `${l.credentials}:connect`,
    },
    kafka: { bootstrap: `127.0.0.1:${ports.kafka}`, ...creds.kafka.admin, mechanism: 'PLAIN' },
    observability: {
      logs: { type: 'files', files: ['worker-1', 'worker-2'].map((w) => join(l.logsDir, `${w}.log`)) },
      metrics: { prometheusUrls: ports.metrics.map((p) => `http://127.0.0.1:${p}/metrics`) },
      serverAudit: { files: (['worker-1', 'worker-2'] as const).map((w) => l.accessAudit(w)) },
    },
    ...(teams ? { teams } : {}),
  };
}

/** The dev stack as the local-stack environment of core/environment (registered by the CLI). */
export const devStack: LocalStackProvider = { target: devTarget };
