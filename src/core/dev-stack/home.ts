import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The few facts core needs about the local dev stack (`kcops dev up`), read from the files the stack writes, so that
 * core never imports src/dev (src/dev owns the layout and uses this same default home).
 */

/** The dev home: KCOPS_DEV_HOME, else ~/.kcops/dev. */
export function devHome(env: NodeJS.ProcessEnv): string {
  return resolve(env.KCOPS_DEV_HOME ?? join(homedir(), '.kcops', 'dev'));
}

/** The 0600 credentials file `dev up` writes (its shape: src/dev/credentials.ts). */
export function devCredentialsFile(home: string): string {
  return join(home, 'credentials.json');
}

/**
 * The Connect workers' log files (`logs/worker-N.log`). Before the stack has written any, the two files it will write,
 * so that `connect logs -f` picks them up once it starts.
 */
export function devWorkerLogFiles(home: string): string[] {
  const dir = join(home, 'logs');
  const found = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /^worker-\d+\.log$/.test(f))
        .sort((a, b) => workerNumber(a) - workerNumber(b))
    : [];
  return (found.length ? found : ['worker-1.log', 'worker-2.log']).map((f) => join(dir, f));
}

function workerNumber(file: string): number {
  return Number(/\d+/.exec(file)?.[0] ?? 0);
}

/**
 * The access extension's audit files, one per worker (`logs/worker-N-access-audit.jsonl`, each worker's
 * kcops.access.audit.file); before any is written, the two the stack's workers will write.
 */
export function devAccessAuditFiles(home: string): string[] {
  const dir = join(home, 'logs');
  const found = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /^worker-\d+-access-audit\.jsonl$/.test(f))
        .sort((a, b) => workerNumber(a) - workerNumber(b))
    : [];
  return (found.length ? found : ['worker-1-access-audit.jsonl', 'worker-2-access-audit.jsonl']).map((f) =>
    join(dir, f),
  );
}
