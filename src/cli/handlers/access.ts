import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { createKey, listKeys, revokeKey, rotateKey, type KeyView } from '../../core/access/keys.js';
import { resolveActor } from '../../core/audit/actor.js';
import { layout, resolveSettings } from '../../dev/settings.js';
import { usageError } from '../../errors.js';
import type { CommandHandler, OptionsFor } from '../command-spec.js';
import type {
  accessKeysCreateCommand,
  accessKeysListCommand,
  accessKeysRevokeCommand,
  accessKeysRotateCommand,
} from '../commands/access.js';
import type { CliContext } from '../context.js';
import { table } from '../render/output.js';

/** --key-file and --home, declared by every `access keys` verb. */
type KeyFileFlags = OptionsFor<typeof accessKeysListCommand>;

function keyFile(ctx: CliContext, o: Pick<KeyFileFlags, 'keyFile' | 'home'>): string {
  const given = o.keyFile ?? ctx.env.KCOPS_ACCESS_KEY_FILE;
  if (given) return given.startsWith('/') ? given : `${ctx.cwd}/${given}`;
  const home = o.home;
  return layout(resolveSettings({ env: ctx.env, ...(home ? { home } : {}) })).accessKeys;
}

const roles = (k: KeyView) =>
  Object.entries(k.roles)
    .map(([t, r]) => (t === '*' ? 'admin (all teams)' : `${t}=${r}`))
    .join(', ');

/**
 * kcops never prints a secret (core/secrets/sensitive.ts redacts every output), so a new key's secret goes to a file
 * only its owner can read: hand it over, then delete it. Only its hash is kept.
 */
function writeSecret(
  ctx: CliContext,
  o: OptionsFor<typeof accessKeysCreateCommand | typeof accessKeysRotateCommand>,
  id: string,
  secret: string,
): string {
  const given = o.secretFile ?? `kcops-key-${id}.json`;
  const path = given.startsWith('/') ? given : `${ctx.cwd}/${given}`;
  if (existsSync(path))
    throw usageError(
      'USAGE',
      `${path} already exists; kcops does not overwrite a secret file.`,
      'Pass another --secret-file.',
    );
  writeFileSync(path, JSON.stringify({ username: id, password: secret }, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return path;
}
const secretNote = (path: string) =>
  `The secret is in ${path} (0600, the only copy, as username/password for connect.auth): give it to its owner over your secret channel, then delete the file.`;

export const keysCreate: CommandHandler<typeof accessKeysCreateCommand> = async (ctx, _args, o) => {
  const principal = o.principal;
  const roleList = o.role ?? [];
  if (!principal)
    throw usageError(
      'USAGE',
      '`access keys create` needs --principal.',
      'e.g. --principal alice --role payments=operator',
    );
  const file = keyFile(ctx, o);
  const r = createKey(file, {
    principal,
    roles: roleList,
    admin: o.admin === true,
    ...(o.description ? { description: o.description } : {}),
    createdBy: resolveActor(ctx.cwd, ctx.env),
  });
  const secretFile = writeSecret(ctx, o, r.key.id, r.secret);
  return {
    data: { keyFile: file, key: r.key, secretFile },
    human: (st) =>
      [
        `${st.green('created')} API key ${st.bold(r.key.id)} for ${r.key.principal} (${roles(r.key)})`,
        st.dim(secretNote(secretFile)),
      ].join('\n'),
  };
};

export const keysList: CommandHandler<typeof accessKeysListCommand> = async (ctx, _args, o) => {
  const file = keyFile(ctx, o);
  const keys = listKeys(file, { all: o.all === true });
  return {
    data: { keyFile: file, keys },
    human: () =>
      keys.length === 0
        ? `No API keys in ${file}.`
        : table(
            ['KEY ID', 'PRINCIPAL', 'ROLES', 'CREATED', 'STATUS'],
            keys.map((k) => [k.id, k.principal, roles(k), k.createdAt, k.status]),
          ),
  };
};

export const keysRevoke: CommandHandler<typeof accessKeysRevokeCommand> = async (ctx, args, o) => {
  const file = keyFile(ctx, o);
  const k = revokeKey(file, args[0], resolveActor(ctx.cwd, ctx.env));
  return {
    data: { keyFile: file, key: k },
    human: (st) => `${st.green('revoked')} API key ${k.id} (${k.principal}); every worker refuses it within seconds.`,
  };
};

export const keysRotate: CommandHandler<typeof accessKeysRotateCommand> = async (ctx, args, o) => {
  const file = keyFile(ctx, o);
  const r = rotateKey(file, args[0], { keepOld: o.keepOld, by: resolveActor(ctx.cwd, ctx.env) });
  const secretFile = writeSecret(ctx, o, r.key.id, r.secret);
  return {
    data: { keyFile: file, key: r.key, secretFile, old: r.old },
    human: (st) =>
      [
        `${st.green('rotated')} ${r.old.id} -> ${st.bold(r.key.id)} for ${r.key.principal} (${roles(r.key)})`,
        r.old.status === 'revoked'
          ? `The old key ${r.old.id} is revoked.`
          : `The old key ${r.old.id} still works: revoke it with \`kcops access keys revoke ${r.old.id}\`.`,
        st.dim(secretNote(secretFile)),
      ].join('\n'),
  };
};
