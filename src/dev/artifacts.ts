import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import type { Reporter } from '../core/reporter.js';
import { checkMaven } from './preflight.js';

/** The runtime/ directory shipped in the package: the one place where artifact versions are pinned. */
export function runtimeSourceDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'runtime');
}

export interface RuntimeArtifacts {
  root: string;
  libs: string;
  plugins: string;
  jmxAgent: string;
  s3mockJar: string;
  /** True when Maven had to run (first use, or the POMs changed). */
  resolved: boolean;
}

/** Every POM that takes part: runtime/pom.xml, and runtime/plugins/<name>/pom.xml for plugins built by copy-dependencies. */
export function runtimePoms(src: string): { name: string; pom: string }[] {
  const poms = [{ name: '', pom: join(src, 'pom.xml') }];
  const pluginsDir = join(src, 'plugins');
  if (existsSync(pluginsDir)) {
    for (const d of readdirSync(pluginsDir).sort()) {
      const pom = join(pluginsDir, d, 'pom.xml');
      if (existsSync(pom)) poms.push({ name: d, pom });
    }
  }
  return poms;
}

/** The cache key: a hash of every POM, so a version bump resolves again and nothing else does. */
export function runtimeKey(poms: { name: string; pom: string }[]): string {
  const h = createHash('sha256');
  for (const p of poms) h.update(p.name).update('\0').update(readFileSync(p.pom)).update('\0');
  return h.digest('hex').slice(0, 16);
}

/**
 * Resolves the pinned artifacts through Maven into `<cacheDir>/runtime/<key>`. A completed key is reused as is,
 * so a second `dev up` downloads nothing (and does not even start Maven).
 */
export async function ensureRuntime(
  cacheDir: string,
  reporter: Reporter,
  src = runtimeSourceDir(),
): Promise<RuntimeArtifacts> {
  const poms = runtimePoms(src);
  const root = join(cacheDir, 'runtime', runtimeKey(poms));
  const marker = join(root, '.complete');
  const artifacts = (resolved: boolean): RuntimeArtifacts => ({
    root,
    libs: join(root, 'libs'),
    plugins: join(root, 'plugins'),
    jmxAgent: join(root, 'agents', 'jmx_prometheus_javaagent.jar'),
    s3mockJar: join(root, 's3mock', 's3mock-exec.jar'),
    resolved,
  });
  if (existsSync(marker)) return artifacts(false);

  await checkMaven();
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const step = reporter.step('Resolving Kafka, Connect and connectors from Maven Central (first run only)');
  try {
    for (const p of poms) {
      step.update(p.name || 'kafka runtime');
      // Maven writes target/ next to the POM, so build from a copy inside the cache, never inside the package.
      const buildDir = join(root, 'build', p.name || 'runtime');
      mkdirSync(buildDir, { recursive: true });
      copyFileSync(p.pom, join(buildDir, 'pom.xml'));
      const out = p.name ? join(root, 'plugins', p.name) : root;
      await maven(join(buildDir, 'pom.xml'), out, join(root, 'maven.log'));
    }
  } catch (e) {
    step.fail('Resolving artifacts failed');
    throw e;
  }
  rmSync(join(root, 'build'), { recursive: true, force: true });
  writeFileSync(marker, new Date().toISOString() + '\n');
  step.done('Artifacts resolved and cached');
  return artifacts(true);
}

function maven(pom: string, out: string, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'mvn',
      ['-B', '-ntp', '-f', pom, 'package', `-Dkcops.out=${out}`],
      { maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        writeFileSync(logFile, stdout + stderr, { flag: 'a' });
        if (!err) return resolve();
        const errors = (stdout + stderr)
          .split('\n')
          .filter((l) => l.includes('[ERROR]'))
          .slice(0, 6);
        reject(
          new UserError('DEV_ARTIFACTS_UNRESOLVED', `Maven could not resolve the dev stack's artifacts (${pom}).`, {
            hint: `Check network access to Maven Central (or your mirror in ~/.m2/settings.xml); the full log is ${logFile}.`,
            details: errors,
            cause: err,
          }),
        );
      },
    );
  });
}
