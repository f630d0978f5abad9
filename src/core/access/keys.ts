import { UserError } from '../../errors.js';
import { makeKey, readKeyFile, ROLES, writeKeyFile, type ApiKey, type Role } from './key-file.js';

/**
 * `kcops access keys ...` on the key file the Connect access extension reads. The file is the gate: only who may
 * write it (0600, the workers' host) manages keys. Every change is a new file written atomically, which the workers
 * pick up within about a second.
 */

/** What a listing shows of a key: never its hash. */
export interface KeyView {
  id: string;
  principal: string;
  roles: Record<string, Role>;
  createdAt: string;
  createdBy?: string;
  description?: string;
  status: 'active' | 'revoked';
  revokedAt?: string;
  rotatedFrom?: string;
}

export function viewOf(k: ApiKey): KeyView {
  return {
    id: k.id,
    principal: k.principal,
    roles: k.roles,
    createdAt: k.createdAt,
    ...(k.createdBy ? { createdBy: k.createdBy } : {}),
    ...(k.description ? { description: k.description } : {}),
    status: k.revokedAt ? 'revoked' : 'active',
    ...(k.revokedAt ? { revokedAt: k.revokedAt } : {}),
    ...(k.rotatedFrom ? { rotatedFrom: k.rotatedFrom } : {}),
  };
}

/** `team=role` pairs (and `*=admin` for a global admin), checked against the teams the file defines. */
export function parseRoles(pairs: string[], teams: string[]): Record<string, Role> {
  const roles: Record<string, Role> = {};
  for (const p of pairs) {
    const [team, role] = p.split('=');
    if (!team || !role || !(ROLES as readonly string[]).includes(role)) {
      throw new UserError('ACCESS_ROLE_INVALID', `"${p}" is not a role binding.`, {
        hint: `Write team=role with role one of ${ROLES.join(', ')}, e.g. --role payments=operator (or --admin).`,
        exitCode: 2,
      });
    }
    if (team !== '*' && !teams.includes(team)) {
      throw new UserError('ACCESS_ROLE_INVALID', `No team "${team}" in the key file.`, {
        hint: `Known teams: ${teams.join(', ') || '(none)'}.`,
        exitCode: 2,
      });
    }
    if (team === '*' && role !== 'admin') {
      throw new UserError('ACCESS_ROLE_INVALID', 'The team "*" only takes the admin role (a global admin).', {
        hint: 'Use --admin, or bind a named team.',
        exitCode: 2,
      });
    }
    roles[team] = role as Role;
  }
  if (Object.keys(roles).length === 0) {
    throw new UserError('ACCESS_ROLE_INVALID', 'A key needs at least one role.', {
      hint: 'e.g. --role payments=operator, or --admin for a global admin.',
      exitCode: 2,
    });
  }
  return roles;
}

export function createKey(
  path: string,
  input: { principal: string; roles: string[]; admin?: boolean; description?: string; createdBy?: string },
): { key: KeyView; secret: string } {
  const file = readKeyFile(path);
  const roles = parseRoles([...input.roles, ...(input.admin ? ['*=admin'] : [])], Object.keys(file.teams));
  const k = makeKey({
    principal: input.principal,
    roles,
    ...(input.description ? { description: input.description } : {}),
    ...(input.createdBy ? { createdBy: input.createdBy } : {}),
  });
  file.keys.push(k.key);
  writeKeyFile(path, file);
  return { key: viewOf(k.key), secret: k.secret };
}

export function listKeys(path: string, opts: { all?: boolean } = {}): KeyView[] {
  return readKeyFile(path)
    .keys.filter((k) => opts.all || !k.revokedAt)
    .map(viewOf);
}

function find(keys: ApiKey[], id: string, path: string): ApiKey {
  const k = keys.find((x) => x.id === id);
  if (!k) {
    throw new UserError('ACCESS_KEY_NOT_FOUND', `No API key ${id} in ${path}.`, {
      hint: 'List them with `kcops access keys list --all`.',
    });
  }
  return k;
}

export function revokeKey(path: string, id: string, by?: string): KeyView {
  const file = readKeyFile(path);
  const k = find(file.keys, id, path);
  if (!k.revokedAt) {
    k.revokedAt = new Date().toISOString();
    if (by) k.revokedBy = by;
    writeKeyFile(path, file);
  }
  return viewOf(k);
}

/** A new key with the same principal and roles; the old one is revoked unless `keepOld` (a grace period). */
export function rotateKey(
  path: string,
  id: string,
  opts: { keepOld?: boolean; by?: string } = {},
): { key: KeyView; secret: string; old: KeyView } {
  const file = readKeyFile(path);
  const old = find(file.keys, id, path);
  if (old.revokedAt) {
    throw new UserError('ACCESS_KEY_NOT_FOUND', `API key ${id} is revoked; there is nothing to rotate.`, {
      hint: 'Create a new key with `kcops access keys create`.',
    });
  }
  const k = makeKey({
    principal: old.principal,
    roles: old.roles,
    ...(old.description ? { description: old.description } : {}),
    ...(opts.by ? { createdBy: opts.by } : {}),
  });
  k.key.rotatedFrom = old.id;
  file.keys.push(k.key);
  if (!opts.keepOld) {
    old.revokedAt = new Date().toISOString();
    if (opts.by) old.revokedBy = opts.by;
  }
  writeKeyFile(path, file);
  return { key: viewOf(k.key), secret: k.secret, old: viewOf(old) };
}
