// What the dev-stack benchmarks share: the running stack (KCOPS_DEV_HOME), a direct REST helper for set-up and
// clean-up (not measured), and a counting proxy in front of worker-1 through which kcops' own requests are counted.
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const bin = join(import.meta.dirname, '..', '..', 'bin', 'kcops.js');

export function devStack() {
  const home = process.env.KCOPS_DEV_HOME ?? join(homedir(), '.kcops', 'dev');
  const creds = JSON.parse(readFileSync(join(home, 'credentials.json'), 'utf8'));
  const state = JSON.parse(readFileSync(join(home, 'state.json'), 'utf8'));
  const target = { host: '127.0.0.1', port: state.ports.connect[0] };
  const authHeader = 'Basic ' + Buffer.from(`${creds.connect.username}:${creds.connect.password}`).toString('base64');

  /** Direct REST call to worker-1: set-up and clean-up, never measured, never counted. */
  function rest(method, path, body) {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          ...target,
          method,
          path,
          headers: {
            authorization: authHeader,
            'content-type': 'application/json',
            ...(data ? { 'content-length': Buffer.byteLength(data) } : {}),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode, text }));
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  }
  return { home, creds, state, target, rest };
}

/**
 * A proxy in front of `target` counting requests and 409 answers. kcops must run as an async child process while
 * it serves (a sync exec would block this event loop and the proxy with it).
 */
export async function countingProxy(target) {
  const counts = { requests: 0, conflicts: 0 };
  // BENCH_TRACE=1 prints every proxied request with its time since the last reset: where an apply spends its time.
  const trace = process.env.BENCH_TRACE === '1';
  let t0 = Date.now();
  const server = createServer((req, res) => {
    counts.requests++;
    const sent = Date.now();
    const up = request({ ...target, method: req.method, path: req.url, headers: req.headers }, (r) => {
      if (r.statusCode === 409) counts.conflicts++;
      if (trace)
        process.stderr.write(
          `  [trace] +${((sent - t0) / 1000).toFixed(2)}s ${req.method} ${req.url} -> ${r.statusCode} in ${Date.now() - sent} ms\n`,
        );
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    counts,
    reset: () => {
      t0 = Date.now();
      Object.assign(counts, { requests: 0, conflicts: 0 });
    },
    close: () => server.close(),
  };
}
