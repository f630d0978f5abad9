import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import {
  profileKey,
  profilePath,
  removeProfileEntries,
  saveProfileEntry,
  type ProfileEntry,
} from '../../core/auth/profile.js';
import type { ClusterIdentity } from '../../connect/cluster.js';
import { openEnvironment } from '../../core/environment/open.js';
import { resolveTarget } from '../../core/environment/resolve.js';
import type { OpsTarget } from '../../core/observe/target.js';
import { usageError, UserError } from '../../errors.js';
import type { CommandHandler } from '../command-spec.js';
import type { loginCommand, logoutCommand, whoamiCommand } from '../commands/auth.js';
import type { CliContext } from '../context.js';
import { targetInput } from './environment.js';

function needEnv(ctx: CliContext, what: string): string {
  const env = ctx.globals.env;
  if (!env) throw usageError('USAGE', `\`kcops ${what}\` needs --env.`, `e.g. kcops ${what} --env prod`);
  return env;
}

/** The environment of a repository: a key is kept per project and environment, so there must be a kcops.yaml. */
function repositoryTarget(ctx: CliContext, env: string): OpsTarget & { project: NonNullable<OpsTarget['project']> } {
  const t = resolveTarget(targetInput(ctx, env));
  if (!t.project)
    throw new UserError(
      'PROJECT_NOT_FOUND',
      `No kcops.yaml here or above ${ctx.cwd}: there is no environment to log in to.`,
      {
        hint: 'Run kcops login inside the configuration repository (or pass --config).',
        exitCode: 2,
      },
    );
  return t as OpsTarget & { project: NonNullable<OpsTarget['project']> };
}

async function readSecret(
  ctx: CliContext,
  o: { keyFile?: string | undefined; keyId?: string | undefined; secretStdin: boolean },
): Promise<{ keyId: string; secret: string }> {
  if (typeof o.keyFile === 'string') {
    const path = resolve(ctx.cwd, o.keyFile);
    let parsed: { username?: unknown; password?: unknown };
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8')) as typeof parsed;
    } catch (e) {
      throw usageError(
        'USAGE',
        `Cannot read the key file ${path}: ${(e as Error).message}`,
        'Pass the JSON file `kcops access keys create` wrote.',
      );
    }
    if (typeof parsed.username !== 'string' || typeof parsed.password !== 'string')
      throw usageError(
        'USAGE',
        `${path} has no "username" and "password".`,
        'Pass the JSON file `kcops access keys create` wrote.',
      );
    return { keyId: parsed.username, secret: parsed.password };
  }
  const keyId = o.keyId as string | undefined;
  if (!keyId)
    throw usageError(
      'USAGE',
      '`kcops login` needs --key-file, or --key-id with the secret.',
      'e.g. kcops login --env prod --key-file kcops-key-ID.json',
    );
  let secret: string;
  if (o.secretStdin === true) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    secret = Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  } else if (ctx.isTTY && process.stdin.isTTY) {
    // The prompt goes to stderr; what is typed is not echoed.
    ctx.stderr.write(`Secret for ${keyId}: `);
    const rl = createInterface({
      input: process.stdin,
      output: new Writable({ write: (_c, _e, cb) => cb() }),
      terminal: true,
    });
    secret = await rl.question('');
    rl.close();
    ctx.stderr.write('\n');
  } else
    throw usageError('USAGE', 'No terminal to type the secret at.', 'Pipe it with --secret-stdin, or use --key-file.');
  if (!secret) throw usageError('USAGE', 'The secret is empty.', 'Give the secret that came with the key.');
  return { keyId, secret };
}

/** Asks the cluster who a key is; for self-managed Connect without the kcops access extension there is nobody to ask. */
async function identify(
  ctx: CliContext,
  env: string,
  extraEnv: NodeJS.ProcessEnv,
): Promise<ClusterIdentity | undefined> {
  const b = await openEnvironment(
    { ...targetInput(ctx, env), processEnv: { ...ctx.env, ...extraEnv } },
    { reporter: ctx.reporter },
  );
  try {
    if (b.target.clusterType === 'self-managed') {
      const who = await b.connect.whoami?.();
      if (!who)
        throw new UserError(
          'LOGIN_UNSUPPORTED',
          `The Connect workers of ${env} do not know per-user keys (no kcops access extension answered GET /kcops/whoami).`,
          {
            hint: 'Ask the platform team to install extensions/connect-access on the workers (docs/episodes/07-onboarding-a-team.md); until then kcops.yaml holds the shared identity.',
            exitCode: 2,
          },
        );
      return who;
    }
    // Confluent Cloud: a key that can list the cluster's connectors works; IAM says whose it is when it may.
    await b.connect.collect();
    return (await b.connect.whoami?.().catch(() => undefined)) ?? undefined;
  } finally {
    await b.close();
  }
}

export const login: CommandHandler<typeof loginCommand> = async (ctx, _args, o) => {
  const env = needEnv(ctx, 'login');
  const t = repositoryTarget(ctx, env);
  const { keyId, secret } = await readSecret(ctx, o);
  const kind: ProfileEntry['kind'] = t.clusterType === 'self-managed' ? 'connect-key' : 'cloud-api-key';
  const vars =
    kind === 'connect-key'
      ? { KCOPS_CONNECT_KEY_ID: keyId, KCOPS_CONNECT_KEY_SECRET: secret }
      : { KCOPS_CLOUD_API_KEY: keyId, KCOPS_CLOUD_API_SECRET: secret };
  const who = await identify(ctx, env, vars);
  const file = saveProfileEntry(ctx.env, profileKey(t.project.project, env), {
    kind,
    keyId,
    secret,
    ...(who ? { principal: who.principal } : {}),
    savedAt: new Date().toISOString(),
  });
  const data = {
    env,
    project: t.project.project,
    keyId,
    principal: who?.principal ?? null,
    roles: who?.roles ?? {},
    file,
  };
  return {
    data,
    human: (s) =>
      `${s.green('✓')} Logged in to ${env} as ${who ? s.bold(who.principal) : `Cloud API key ${keyId}`}${who ? ` (key ${keyId})` : ''}; kcops uses this key for ${env} from now on.\n  Saved in ${file} (0600). Delete the key file you were given.\n`,
  };
};

export const whoami: CommandHandler<typeof whoamiCommand> = async (ctx) => {
  const env = needEnv(ctx, 'whoami');
  const b = await openEnvironment(targetInput(ctx, env), { reporter: ctx.reporter });
  try {
    const source = b.target.connect.credentialRef ?? b.target.cloud?.credentialRef ?? null;
    const who = await b.connect.whoami?.();
    const keyId = b.connect.credentialKeyId ?? null;
    const data = {
      env,
      clusterType: b.target.clusterType,
      principal: who?.principal ?? null,
      displayName: who?.displayName ?? null,
      keyId: who?.keyId ?? keyId,
      admin: who?.admin ?? null,
      roles: who?.roles ?? {},
      credentialSource: source,
      verifiedByCluster: who !== undefined,
    };
    return {
      data,
      human: (s) => {
        const roles = Object.entries(data.roles)
          .map(([team, role]) => (team === '*' ? `admin (all teams)` : `${team}=${role}`))
          .join(', ');
        const name = who?.displayName ? ` (${who.displayName})` : '';
        if (who && b.target.clusterType === 'confluent-cloud')
          return `${s.bold(who.principal)}${name} on ${env} (Cloud API key ${data.keyId ?? '?'}, owner from IAM; roles: \`kcops access review --env ${env}\`)\n  key from: ${source ?? 'kcops.yaml'}\n`;
        return who
          ? `${s.bold(who.principal)}${name} on ${env} (key ${data.keyId ?? '?'}; roles: ${roles || 'none'})\n  key from: ${source ?? 'kcops.yaml'}\n`
          : `${env}: key ${data.keyId ?? '(none)'} from ${source ?? 'kcops.yaml'}; the cluster cannot say whose it is (${b.target.clusterType === 'self-managed' ? 'no kcops access extension' : 'IAM does not show this key to itself'}).\n`;
      },
    };
  } finally {
    await b.close();
  }
};

export const logout: CommandHandler<typeof logoutCommand> = async (ctx, _args, o) => {
  if (o.all === true) {
    const removed = removeProfileEntries(ctx.env, undefined);
    return {
      data: { removed, file: profilePath(ctx.env) },
      human: () =>
        removed.length ? `Forgot ${removed.length} key(s): ${removed.join(', ')}\n` : 'No key was stored.\n',
    };
  }
  const env = needEnv(ctx, 'logout');
  const t = repositoryTarget(ctx, env);
  const removed = removeProfileEntries(ctx.env, profileKey(t.project.project, env));
  return {
    data: { removed, file: profilePath(ctx.env) },
    human: () => (removed.length ? `Forgot the key for ${removed[0]}.\n` : `No key was stored for ${env}.\n`),
  };
};
