import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { readState } from '../../src/dev/state.js';
import { waitFor } from '../../src/dev/wait.js';
import { createConnector, deleteConnector, rest, runAs, stack, waitRunning, type ConnectorStatus } from './helpers.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'kcops.js');
const NAME = 'payments-file-lines';

describe('worker failover', () => {
  afterAll(async () => {
    await deleteConnector(NAME);
  });

  it('moves a RUNNING connector to the other worker when its worker is killed, and dev up brings the worker back', async () => {
    const s = stack();
    const input = join(s.home, 'file-lines.txt');
    writeFileSync(input, 'one\ntwo\nthree\n');
    await createConnector(NAME, {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
      'tasks.max': '1',
      file: input,
      topic: 'payments.file-lines',
      ...runAs('sa-payments'),
    });
    const before = await waitRunning(NAME);
    const taskWorker = before.tasks[0]?.worker_id ?? '';
    const port = Number(taskWorker.split(':')[1]);
    const state = readState(join(s.home, 'state.json'));
    const victim = (['worker-1', 'worker-2'] as const).find((w) => state?.processes[w]?.ports[0] === port);
    expect(victim, `no worker listens on ${port}`).toBeDefined();
    const pid = state?.processes[victim!]?.pid ?? 0;
    process.kill(pid, 'SIGKILL');

    const survivor = victim === 'worker-1' ? 1 : 0;
    const moved = await waitFor(
      async () => {
        const r = await rest<ConnectorStatus>(`/connectors/${NAME}/status`, { worker: survivor });
        const t = r.body.tasks?.[0];
        return r.status === 200 && t && t.state === 'RUNNING' && t.worker_id !== taskWorker ? r.body : undefined;
      },
      { what: `the task to move off ${taskWorker}`, timeoutMs: 120_000, intervalMs: 1000 },
    );
    expect(moved.tasks[0]?.worker_id).not.toBe(taskWorker);

    // dev up is idempotent: it restarts only the dead worker.
    const { stdout } = await run(process.execPath, [BIN, ...s.upArgs], { maxBuffer: 16 * 1024 * 1024 });
    expect(JSON.parse(stdout).connect.urls).toEqual(s.connect.urls);
    const after = readState(join(s.home, 'state.json'));
    expect(after?.processes[victim!]?.pid).not.toBe(pid);
    expect(after?.processes.broker?.pid).toBe(state?.processes.broker?.pid);
    expect(readFileSync(join(s.home, 'logs', `${victim}.log`), 'utf8')).toContain(`[${NAME}|task-0]`);
  });
});
