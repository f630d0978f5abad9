/**
 * Starts ONE real dev stack for the whole integration suite through the real CLI (`kcops dev up -o json`), and
 * stops it afterwards with `kcops dev down --purge`. Ports differ from the defaults so a developer's own stack
 * can keep running. CI passes the machine's PostgreSQL with KCOPS_TEST_POSTGRES_URL.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'kcops.js');

export const TEST_PORTS = {
  kafka: 39092,
  controller: 39093,
  connect: '38083,38084',
  metrics: '39404,39405',
  s3: 39090,
  s3Https: 39191,
  postgres: 35432,
};

export interface StackInfo {
  home: string;
  kafka: { bootstrap: string; saslMechanism: string };
  connect: { urls: string[] };
  postgres: { url: string };
  s3: { endpoint: string; bucket: string };
  credentialsFile: string;
  metrics: string[];
  logs: { dir: string };
  upArgs: string[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const home = process.env.KCOPS_TEST_HOME ?? mkdtempSync(join(tmpdir(), 'kcops-it-'));
  const upArgs = [
    'dev',
    'up',
    '--home',
    home,
    '-o',
    'json',
    '--kafka-port',
    String(TEST_PORTS.kafka),
    '--controller-port',
    String(TEST_PORTS.controller),
    '--connect-ports',
    TEST_PORTS.connect,
    '--metrics-ports',
    TEST_PORTS.metrics,
    '--s3-port',
    String(TEST_PORTS.s3),
    '--s3-https-port',
    String(TEST_PORTS.s3Https),
    '--postgres-port',
    String(TEST_PORTS.postgres),
  ];
  if (process.env.KCOPS_TEST_POSTGRES_URL) upArgs.push('--postgres-url', process.env.KCOPS_TEST_POSTGRES_URL);
  const started = Date.now();
  try {
    const { stdout } = await run(process.execPath, [BIN, ...upArgs], { maxBuffer: 16 * 1024 * 1024 });
    const info = JSON.parse(stdout) as Omit<StackInfo, 'home' | 'upArgs'>;
    project.provide('stack', { ...info, home, upArgs });
    // Suites written against "a running dev stack" (test/online, test/engine-it, test/ops-it) read these; test
    // workers are forked after global setup, so they inherit them.
    Object.assign(process.env, {
      KCOPS_TEST_CONNECT_URL: info.connect.urls[0],
      KCOPS_TEST_CONNECT_URLS: info.connect.urls.join(','),
      KCOPS_TEST_CREDENTIALS_FILE: info.credentialsFile,
      KCOPS_TEST_KAFKA_BOOTSTRAP: info.kafka.bootstrap,
      KCOPS_TEST_LOGS_DIR: info.logs.dir,
      KCOPS_TEST_METRICS_URLS: info.metrics.join(','),
      KCOPS_TEST_DEV_HOME: home,
    });
    process.stderr.write(
      `[integration] dev stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s (home ${home})\n`,
    );
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`kcops dev up failed:\n${err.stderr ?? ''}${err.stdout ?? ''}\n${err.message}`);
  }
  return async () => {
    if (process.env.KCOPS_TEST_KEEP_STACK) return;
    await run(process.execPath, [BIN, 'dev', 'down', '--purge', '--home', home, '-o', 'json']).catch((e: Error) => {
      process.stderr.write(`[integration] dev down failed: ${e.message}\n`);
    });
  };
}
