import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { httpJson, type HttpResponse } from '../../src/connect/http.js';
import { credentialsSchema, type Credentials } from '../../src/dev/credentials.js';
import { waitFor } from '../../src/dev/wait.js';
import type { StackInfo } from './global-setup.js';

export function stack(): StackInfo {
  return inject('stack');
}

export function credentials(): Credentials {
  return credentialsSchema.parse(JSON.parse(readFileSync(stack().credentialsFile, 'utf8')));
}

export function secretsFile(name: string): string {
  return `${stack().home}/secrets/${name}.properties`;
}

/** A Connect REST call with the stack's basic-auth credentials, on worker `worker` (0 or 1). */
export function rest<T = unknown>(
  path: string,
  init: { method?: string; body?: unknown; worker?: number } = {},
): Promise<HttpResponse<T>> {
  const url = stack().connect.urls[init.worker ?? 0];
  return httpJson<T>(`${url}${path}`, {
    method: init.method,
    body: init.body,
    auth: credentials().connect,
    timeoutMs: 30_000,
  });
}

export interface ConnectorStatus {
  name: string;
  connector: { state: string; worker_id: string };
  tasks: { id: number; state: string; worker_id: string; trace?: string }[];
}

export async function createConnector(name: string, config: Record<string, string>): Promise<void> {
  const r = await rest(`/connectors/${name}/config`, { method: 'PUT', body: config });
  if (r.status !== 201 && r.status !== 200)
    throw new Error(`creating ${name} failed: ${r.status} ${JSON.stringify(r.body)}`);
}

export async function deleteConnector(name: string): Promise<void> {
  await rest(`/connectors/${name}`, { method: 'DELETE' }).catch(() => undefined);
}

/** Waits until the connector and all its tasks are RUNNING; fails early with the task trace if one FAILED. */
export async function waitRunning(name: string, worker = 0, timeoutMs = 90_000): Promise<ConnectorStatus> {
  return waitFor(
    async () => {
      const r = await rest<ConnectorStatus>(`/connectors/${name}/status`, { worker });
      if (r.status !== 200) return undefined;
      const failed = r.body.tasks.find((t) => t.state === 'FAILED');
      if (failed)
        throw Object.assign(
          new Error(`task ${failed.id} of ${name} FAILED: ${failed.trace?.split('\n').slice(0, 3).join(' ')}`),
          { fatal: true },
        );
      return r.body.connector.state === 'RUNNING' &&
        r.body.tasks.length > 0 &&
        r.body.tasks.every((t) => t.state === 'RUNNING')
        ? r.body
        : undefined;
    },
    { what: `connector ${name} to be RUNNING`, timeoutMs, intervalMs: 1000 },
  );
}

/** The file config provider reference for a key of a dev secrets file: the value never appears in a config. */
export function fileRef(secret: string, key: string): string {
  return `\${file:${secretsFile(secret)}:${key}}`;
}

/** Overrides that make a connector's Kafka clients run as a team service account (as managed connectors do). */
export function runAs(account: string): Record<string, string> {
  const ref = fileRef(`kafka-${account}`, 'sasl.jaas.config');
  return {
    'producer.override.sasl.jaas.config': ref,
    'consumer.override.sasl.jaas.config': ref,
    'admin.override.sasl.jaas.config': ref,
  };
}
