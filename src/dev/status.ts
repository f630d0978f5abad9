import { httpJson } from '../connect/http.js';
import { saslAdmin } from '../kafka/admin.js';
import { loadOrCreateCredentials } from './credentials.js';
import { existsSync } from 'node:fs';
import { isOurs, rssBytes } from './process.js';
import { pgQuery, withCredentials } from './postgres.js';
import { COMPONENTS, layout, type Component, type DevSettings } from './settings.js';
import { readState } from './state.js';

export type Health = 'healthy' | 'unhealthy' | 'stopped';

export interface ComponentStatus {
  component: Component;
  pid: number | null;
  ports: number[];
  health: Health;
  detail: string;
  rssBytes: number | null;
}

export interface StatusResult {
  running: boolean;
  home: string;
  components: ComponentStatus[];
}

export async function devStatus(s: DevSettings): Promise<StatusResult> {
  const l = layout(s);
  const state = readState(l.state);
  if (!state) return { running: false, home: s.home, components: [] };
  const creds = existsSync(l.credentials) ? loadOrCreateCredentials(l.credentials).credentials : undefined;
  const components = await Promise.all(
    COMPONENTS.filter((c) => state.processes[c] || (c === 'postgres' && state.postgres.mode === 'external')).map(
      async (c): Promise<ComponentStatus> => {
        const p = state.processes[c];
        if (!p) {
          // External PostgreSQL: not ours to run, still ours to check.
          const ok = creds?.postgres
            ? await probe(() => pgQuery(withCredentials(state.postgres.url, creds.postgres!.cdc), 'SELECT 1'))
            : false;
          return {
            component: c,
            pid: null,
            ports: [],
            health: ok ? 'healthy' : 'unhealthy',
            detail: `external ${state.postgres.url}`,
            rssBytes: null,
          };
        }
        if (!isOurs(p.pid, p.marker))
          return {
            component: c,
            pid: p.pid,
            ports: p.ports,
            health: 'stopped',
            detail: 'process is not running',
            rssBytes: null,
          };
        const [healthy, detail] = await check(c, p.ports, state.postgres.url, creds);
        return {
          component: c,
          pid: p.pid,
          ports: p.ports,
          health: healthy ? 'healthy' : 'unhealthy',
          detail,
          rssBytes: rssBytes(p.pid) ?? null,
        };
      },
    ),
  );
  return { running: components.some((c) => c.health !== 'stopped'), home: s.home, components };
}

async function probe(fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch {
    return false;
  }
}

async function check(
  c: Component,
  ports: number[],
  pgUrl: string,
  creds: ReturnType<typeof loadOrCreateCredentials>['credentials'] | undefined,
): Promise<[boolean, string]> {
  const port = ports[0];
  switch (c) {
    case 'broker': {
      if (!creds) return [false, 'no credentials file'];
      const admin = saslAdmin(`127.0.0.1:${port}`, creds.kafka.admin, 'kcops-dev-status');
      try {
        const topics = await admin.listTopics({ includeInternals: true });
        return [true, `serves metadata (${topics.length} topics)`];
      } catch (e) {
        return [false, e instanceof Error ? e.message : String(e)];
      } finally {
        await admin.close().catch(() => undefined);
      }
    }
    case 'worker-1':
    case 'worker-2': {
      if (!creds) return [false, 'no credentials file'];
      try {
        const r = await httpJson<{ version?: string }>(`http://127.0.0.1:${port}/`, {
          auth: creds.connect,
          timeoutMs: 3000,
        });
        return r.status === 200
          ? [true, `Connect ${r.body.version ?? ''} REST ok`]
          : [false, `REST answered ${r.status}`];
      } catch (e) {
        return [false, e instanceof Error ? e.message : String(e)];
      }
    }
    case 's3':
      return (await probe(async () => {
        const r = await httpJson(`http://127.0.0.1:${port}/favicon.ico`, { timeoutMs: 3000 });
        if (r.status < 200 || r.status >= 300) throw new Error(String(r.status));
      }))
        ? [true, 'S3 API ok']
        : [false, 'S3 API not answering'];
    case 'shipper':
      return [true, 'rsyslogd running (see `kcops dev logs shipper`)'];
    case 'postgres':
      return creds?.postgres && (await probe(() => pgQuery(withCredentials(pgUrl, creds.postgres!.cdc), 'SELECT 1')))
        ? [true, 'accepts connections']
        : [false, 'not accepting connections'];
  }
}
