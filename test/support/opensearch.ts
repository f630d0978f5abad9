import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { portFree } from '../../src/dev/preflight.js';

/**
 * A real OpenSearch node for integration tests, as a plain Java process (no Docker): runtime/opensearch/ pins the
 * server jar and its Netty HTTP transport from Maven Central and holds a small launcher. build() compiles it with
 * Maven into `<cache>/opensearch/<hash of the POM and sources>` once; start() runs the node on a free port with a
 * throw-away data directory and waits for the cluster health to be green or yellow.
 */
const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'runtime', 'opensearch');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name))
    .sort();
}

/** The OpenSearch version pinned in runtime/opensearch/pom.xml. */
export function openSearchVersion(): string {
  return /<opensearch\.version>([^<]+)</.exec(readFileSync(join(SRC, 'pom.xml'), 'utf8'))?.[1] ?? 'unknown';
}

/** Builds the launcher and copies the server's jars (Maven's ~/.m2 keeps the downloads); cached by content hash. */
export async function buildOpenSearch(
  cacheDir = process.env.KCOPS_CACHE_DIR ?? join(homedir(), '.cache', 'kcops'),
): Promise<string> {
  const h = createHash('sha256');
  for (const f of files(SRC)) h.update(relative(SRC, f)).update('\0').update(readFileSync(f)).update('\0');
  const root = join(cacheDir, 'opensearch', h.digest('hex').slice(0, 16));
  if (existsSync(join(root, '.complete'))) return root;
  const tmp = `${root}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'build'), { recursive: true });
  // Maven writes target/ next to the POM: build from a copy, never inside the repository.
  cpSync(SRC, join(tmp, 'build'), { recursive: true });
  const log = join(tmp, 'maven.log');
  const code = await new Promise<number>((resolve, reject) => {
    const out = createWriteStream(log);
    const p = spawn('mvn', ['-B', '-ntp', '-f', join(tmp, 'build', 'pom.xml'), 'package', `-Dkcops.out=${tmp}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    p.stdout.pipe(out);
    p.stderr.pipe(out);
    p.on('error', reject);
    p.on('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`mvn package of runtime/opensearch failed (exit ${code}); see ${log}`);
  rmSync(join(tmp, 'build'), { recursive: true, force: true });
  writeFileSync(join(tmp, '.complete'), new Date().toISOString() + '\n');
  rmSync(root, { recursive: true, force: true });
  renameSync(tmp, root);
  return root;
}

async function freePort(from: number, not: number[] = []): Promise<number> {
  for (let p = from; p < from + 200; p++) if (!not.includes(p) && (await portFree(p))) return p;
  throw new Error(`no free port in ${from}..${from + 199}`);
}

export interface OpenSearchNode {
  url: string;
  version: string;
  /** Milliseconds from spawning java to a green/yellow cluster health. */
  startupMs: number;
  pid: number;
  /** Resident set size of the java process now, in MiB (Linux /proc; 0 elsewhere). */
  rssMiB(): number;
  stop(): Promise<void>;
}

/**
 * Starts a single-node cluster (HTTP from port 39200 up, transport from 39300 up; KCOPS_TEST_OPENSEARCH_PORT moves
 * both, for a run beside CI's ports; 512 MB heap) and waits for it; stop() kills it and its data.
 *
 * Nothing connects to the HTTP port before the launcher prints "started" (the node has bound it by then). Polling a
 * port nobody listens on yet is what made this node fail to start now and then: the port is in Linux's ephemeral
 * range (32768-60999), a connect() to 127.0.0.1:P can be given P itself as its source port and then connects to
 * itself (TCP simultaneous open), and the node's bind of P fails with "Address already in use". Should the port still
 * be taken when the node binds it, the start is retried on the next free ports.
 */
export async function startOpenSearch(o: { heap?: string; timeoutMs?: number } = {}): Promise<OpenSearchNode> {
  const root = await buildOpenSearch();
  let from = Number(process.env.KCOPS_TEST_OPENSEARCH_PORT) || 39200;
  for (let attempt = 1; ; attempt++) {
    const http = await freePort(from);
    const transport = await freePort(from + 100, [http]);
    try {
      return await startOnce(root, http, transport, o);
    } catch (e) {
      if (!(e instanceof PortTaken) || attempt >= 3) throw e;
      from = Math.max(http, transport - 100) + 1;
    }
  }
}

/** The node could not bind a port that was free a moment before. */
class PortTaken extends Error {}

async function startOnce(
  root: string,
  http: number,
  transport: number,
  o: { heap?: string; timeoutMs?: number },
): Promise<OpenSearchNode> {
  const home = mkdtempSync(join(tmpdir(), 'kcops-opensearch-'));
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const heap = o.heap ?? '512m';
  const t0 = Date.now();
  const child: ChildProcess = spawn(
    java,
    [
      `-Xms${heap}`,
      `-Xmx${heap}`,
      '-XX:+UseSerialGC',
      // Start-up is mostly class loading and one-off code: the C1 compiler alone starts faster and uses less memory.
      '-XX:TieredStopAtLevel=1',
      '-Djava.awt.headless=true',
      '-cp',
      `${join(root, 'launcher.jar')}:${join(root, 'libs', '*')}`,
      'dev.kcops.opensearch.Launcher',
      home,
      String(http),
      String(transport),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  let started = false;
  child.stdout!.on('data', (c: Buffer) => {
    output = (output + c.toString()).slice(-20_000);
    if (/^started in \d+ ms$/m.test(output)) started = true;
  });
  child.stderr!.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
  let exited: number | null | undefined;
  const gone = new Promise<void>((r) =>
    child.once('exit', (c) => {
      exited = c;
      r();
    }),
  );
  const stop = async () => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await gone;
      clearTimeout(t);
    }
    rmSync(home, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${http}`;
  const deadline = t0 + (o.timeoutMs ?? 120_000);
  for (;;) {
    if (exited !== undefined) {
      await stop();
      const msg = `OpenSearch exited (${exited}) before it was healthy:\n${output}`;
      throw /Bind(Http|Transport)Exception|Address already in use/.test(output) ? new PortTaken(msg) : new Error(msg);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`OpenSearch was not healthy within ${o.timeoutMs ?? 120_000} ms:\n${output}`);
    }
    const status = started
      ? await fetch(`${url}/_cluster/health`, { signal: AbortSignal.timeout(2000) })
          .then((r) => (r.ok ? (r.json() as Promise<{ status?: string }>) : undefined))
          .then((b) => b?.status)
          .catch(() => undefined)
      : undefined;
    if (status === 'green' || status === 'yellow') break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const startupMs = Date.now() - t0;
  return {
    url,
    version: openSearchVersion(),
    startupMs,
    pid: child.pid!,
    rssMiB: () => {
      try {
        const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
        return kb ? Math.round(Number(kb) / 1024) : 0;
      } catch {
        return 0;
      }
    },
    stop,
  };
}
