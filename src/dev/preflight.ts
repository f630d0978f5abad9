import { execFile } from 'node:child_process';
import { statfsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UserError, ExitCode } from '../errors.js';

const run = promisify(execFile);

export function javaBinary(javaHome: string | undefined): string {
  return javaHome ? join(javaHome, 'bin', 'java') : 'java';
}

/** Parses the major version from `java -version` output ("17.0.15", "1.8.0_392", "25"). */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!m) return undefined;
  const first = Number(m[1]);
  return first === 1 && m[2] ? Number(m[2]) : first;
}

export async function checkJava(javaHome: string | undefined): Promise<{ major: number; binary: string }> {
  const binary = javaBinary(javaHome);
  let out: string;
  try {
    const r = await run(binary, ['-version']);
    out = r.stderr + r.stdout;
  } catch (e) {
    throw new UserError('DEV_JAVA_MISSING', `Java was not found (tried '${binary}').`, {
      hint: 'Install a Java 17+ runtime (Debian: `apt-get install openjdk-17-jre-headless`) or set JAVA_HOME to one.',
      cause: e,
    });
  }
  const major = parseJavaMajor(out);
  if (major === undefined) {
    throw new UserError('DEV_JAVA_UNKNOWN', `Could not read the Java version from '${binary} -version'.`, {
      hint: 'Set JAVA_HOME to a Java 17+ installation.',
      details: out.split('\n').slice(0, 3),
    });
  }
  if (major < 17) {
    throw new UserError(
      'DEV_JAVA_TOO_OLD',
      `Java ${major} is too old: Kafka 4 needs Java 17 or newer (found at '${binary}').`,
      {
        hint: 'Install Java 17+ and put it first on PATH, or set JAVA_HOME to it.',
      },
    );
  }
  return { major, binary };
}

export async function checkMaven(): Promise<string> {
  try {
    const r = await run('mvn', ['--version']);
    return r.stdout.split('\n')[0] ?? 'Maven';
  } catch (e) {
    throw new UserError(
      'DEV_MAVEN_MISSING',
      'Apache Maven (`mvn`) was not found; it fetches Kafka and the connectors from Maven Central.',
      {
        hint: 'Install Maven (Debian: `apt-get install maven`) and run `kcops dev up` again. Later runs use the local cache.',
        cause: e,
      },
    );
  }
}

export function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

export interface PortUse {
  port: number;
  what: string;
  flag: string;
}

/**
 * All ports at once, before anything starts: a conflict on the last one must not leave the first processes running.
 * The same port given for two uses is refused too (the second process would only fail after the first started).
 */
export async function checkPorts(ports: PortUse[]): Promise<void> {
  const seen = new Map<number, PortUse>();
  for (const p of ports) {
    const first = seen.get(p.port);
    if (first) {
      throw new UserError('DEV_PORT_IN_USE', `Port ${p.port} is given for both ${first.what} and ${p.what}.`, {
        hint: `Give each its own port (${first.flag}, ${p.flag}).`,
        exitCode: ExitCode.Usage,
      });
    }
    seen.set(p.port, p);
  }
  for (const p of ports) {
    if (!(await portFree(p.port))) {
      throw new UserError('DEV_PORT_IN_USE', `Port ${p.port} (${p.what}) is already in use by another process.`, {
        hint: `Stop whatever listens on ${p.port} (\`ss -ltnp 'sport = :${p.port}'\` shows it), or choose another port with ${p.flag} <port>.`,
        exitCode: ExitCode.Error,
      });
    }
  }
}

/** The stack needs room for the runtime (~300 MB once) plus data; ask for 1 GiB. */
export function checkDisk(dir: string, neededBytes = 1024 ** 3): void {
  mkdirSync(dir, { recursive: true });
  const st = statfsSync(dir);
  const free = st.bavail * st.bsize;
  if (free < neededBytes) {
    throw new UserError(
      'DEV_NO_DISK_SPACE',
      `Only ${(free / 1024 ** 2).toFixed(0)} MiB free under ${dir}; the dev stack needs at least ${(neededBytes / 1024 ** 2).toFixed(0)} MiB.`,
      {
        hint: 'Free some disk space, or point the stack elsewhere with --home <dir> (KCOPS_DEV_HOME).',
      },
    );
  }
}
