import { lookup } from 'node:dns/promises';
import { connect } from 'node:net';
import { kafkaAdmin } from '../../kafka/admin.js';
import { basicAuthHeader, httpJson } from '../../connect/http.js';
import { send } from '../../connect/self-managed/transport.js';
import type { Probes } from '../../core/operate/doctor.js';

/** What `kcops doctor` does to the network, for real (the core gets these injected; tests give fakes). */
export function realProbes(timeoutMs: number): Probes {
  return {
    async resolve(host) {
      const r = await lookup(host, { all: true });
      return r.map((a) => a.address);
    },
    tcp: (host, port) =>
      new Promise((resolve, reject) => {
        const s = connect({ host, port });
        const t = setTimeout(() => (s.destroy(), reject(new Error(`no answer within ${timeoutMs} ms`))), timeoutMs);
        s.once('connect', () => (clearTimeout(t), s.end(), resolve()));
        s.once(
          'error',
          (e: NodeJS.ErrnoException) => (
            clearTimeout(t),
            reject(new Error(e.code === 'ECONNREFUSED' ? 'connection refused' : e.message))
          ),
        );
      }),
    async http(url, auth, tls) {
      // The workers' private CA or client certificate: the same transport the Connect client uses.
      if (tls && url.startsWith('https:')) {
        const r = await send({
          method: 'GET',
          url: new URL(url),
          ...(auth ? { authorization: basicAuthHeader(auth) } : {}),
          timeoutMs,
          tls,
        });
        const date = r.headers.date;
        return { status: r.status, body: r.body, ...(date ? { date } : {}) };
      }
      const r = await httpJson(url, { ...(auth ? { auth } : {}), timeoutMs });
      const date = r.headers.get('date');
      return { status: r.status, body: r.body, ...(date ? { date } : {}) };
    },
    async sasl(k) {
      const admin = kafkaAdmin(k, 'kcops-doctor', { connectTimeout: timeoutMs, timeout: timeoutMs });
      try {
        await admin.metadata({ topics: [] });
      } finally {
        await admin.close().catch(() => undefined);
      }
    },
    now: () => Date.now(),
  };
}
