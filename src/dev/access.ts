import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Reporter } from '../core/reporter.js';
import { emptyKeyFile, makeKey, readKeyFile, writeKeyFile, type KeyFile } from '../core/access/key-file.js';
import { UserError } from '../errors.js';
import { DEV_TEAMS, type Credentials } from './credentials.js';
import { checkMaven } from './preflight.js';

/** extensions/connect-access in the package: the Connect REST extension's Maven module. */
export function accessExtensionSourceDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'extensions', 'connect-access');
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (e === 'target') continue;
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * Builds the extension jar once per source version (`mvn -q package`) into `<cache>/extensions/<hash>/`, the
 * directory the workers get on their plugin.path. Built from the sources on every machine, never installed by hand.
 */
export async function ensureAccessExtension(
  cacheDir: string,
  reporter: Reporter,
  src = accessExtensionSourceDir(),
): Promise<{ pluginDir: string; jar: string; built: boolean }> {
  const h = createHash('sha256');
  for (const f of sourceFiles(src)) h.update(relative(src, f)).update('\0').update(readFileSync(f)).update('\0');
  const pluginDir = join(cacheDir, 'extensions', h.digest('hex').slice(0, 16));
  const jar = join(pluginDir, 'kcops-connect-access.jar');
  if (existsSync(jar)) return { pluginDir, jar, built: false };
  await checkMaven();
  const step = reporter.step('Building the Connect access extension (mvn -q package, first run only)');
  const out = join(cacheDir, 'extensions', `.build-${process.pid}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const log = join(out, 'maven.log');
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(
        'mvn',
        ['-q', '-B', '-ntp', '-f', join(src, 'pom.xml'), 'package', `-Dkcops.out=${out}`],
        { maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          writeFileSync(log, stdout + stderr);
          if (!err) return resolve();
          reject(
            new UserError('DEV_ARTIFACTS_UNRESOLVED', 'Maven could not build the Connect access extension.', {
              hint: `Check network access to Maven Central and a JDK 17+; the log is ${log}.`,
              details: (stdout + stderr)
                .split('\n')
                .filter((l) => l.includes('ERROR'))
                .slice(0, 6),
              cause: err,
            }),
          );
        },
      );
    });
  } catch (e) {
    step.fail('Building the access extension failed');
    throw e;
  }
  mkdirSync(pluginDir, { recursive: true });
  writeFileSync(jar, readFileSync(join(out, 'kcops-connect-access.jar')));
  rmSync(out, { recursive: true, force: true });
  step.done('Connect access extension built');
  return { pluginDir, jar, built: true };
}

/**
 * The dev stack's key file: its teams, and the keys of credentials.json's `connect.keys` (admin global, team keys
 * operators of their team). Keys added later with `kcops access keys` are kept; a dev key whose secret no longer
 * matches credentials.json is replaced.
 */
export function ensureDevKeyFile(path: string, c: Credentials): void {
  const file: KeyFile = existsSync(path) ? readKeyFile(path) : emptyKeyFile();
  let changed = !existsSync(path);
  for (const [team, t] of Object.entries(DEV_TEAMS)) {
    if (!file.teams[team]) {
      file.teams[team] = t;
      changed = true;
    }
  }
  const keys = c.connect.keys ?? {};
  for (const [name, id] of Object.entries(keys)) {
    if (file.keys.some((k) => k.id === id.username && !k.revokedAt && k.principal === devPrincipal(name))) continue;
    file.keys = file.keys.filter((k) => k.id !== id.username);
    const roles: Record<string, 'admin' | 'operator'> = name === 'admin' ? { '*': 'admin' } : { [name]: 'operator' };
    file.keys.push(
      makeKey({
        id: id.username,
        secret: id.password,
        principal: devPrincipal(name),
        roles,
        createdBy: 'kcops dev up',
      }).key,
    );
    changed = true;
  }
  if (changed) writeKeyFile(path, file);
}

function devPrincipal(name: string): string {
  return name === 'admin' ? 'kcops-admin' : `${name}-operator`;
}
