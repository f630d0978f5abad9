import { describe, expect, it } from 'vitest';
import type { ConnectCluster, ConnectorOffset, ConnectorStatus, ObservedState } from '../../src/connect/cluster.js';
import { computePlan } from '../../src/core/plan/compute.js';
import { UserError } from '../../src/errors.js';

/**
 * ONE contract for every `ConnectCluster` backend (issue 11 item 5). The same tests run against the self-managed
 * stand-in (test/fakes/fake-connect-cluster.ts), the Confluent Cloud stand-in (test/fakes/confluent-cloud) and the real
 * dev stack (test/engine-it/backend-contract.test.ts, in the integration project). What legitimately differs between
 * backends is declared by the harness in `capabilities` and asserted both ways: a backend that cannot do something
 * must refuse it with its documented error, never pass by being skipped.
 */
export interface BackendCapabilities {
  /** `stop()` and `initial_state: STOPPED` (Connect 3.5+). Cloud has no STOPPED: both are `stopUnsupportedCode`. */
  stop: boolean;
  /** `create(..., initialState)` is sent with the create (traits.supportsInitialState); otherwise a pause follows. */
  initialStateOnCreate: boolean;
  /** A 409 (Connect rebalance) is repeated by the client; on Cloud a 409 is an answer. */
  retries409: boolean;
  /** Stored secrets come back masked (Cloud's `****************`); self-managed returns what was stored. */
  masksSecrets: boolean;
  /** Altering offsets needs the connector STOPPED (KIP-875); Cloud alters them on a running or paused connector. */
  offsetsNeedStop: boolean;
}

/** Fault injection, where the backend is a stand-in; the real stack has none (`faults: undefined`, said so below). */
export interface FaultInjector {
  /** The next `times` requests `method path` answer 409 (a rebalance on Connect; a conflict on Cloud). */
  conflict(method: string, path: RegExp, times: number): void;
  /** Requests sent so far (retries included). */
  requestCount(): number;
}

export interface BackendHarness {
  cluster: ConnectCluster;
  capabilities: BackendCapabilities;
  /** A unique connector name on this backend (prefixed, so a shared real stack is never touched outside it). */
  name(suffix: string): string;
  /** A sink config this backend accepts and runs. */
  sinkConfig(): Record<string, string>;
  /** A config key this backend treats as a secret, and a literal value for it. */
  secret: { key: string; value: string };
  /** A connector to alter offsets on, and offsets in the shape its plugin accepts. */
  offsets: { config: Record<string, string>; sample: ConnectorOffset[] };
  /** Error codes of this backend's UserErrors. */
  codes: { notFound: string; stopUnsupported?: string };
  faults: FaultInjector | undefined;
  /** How long a state change may take to show (stand-ins: immediate; a real worker: seconds). */
  settleMs: number;
  teardown(): Promise<void>;
}

/**
 * `faults` says up front whether the harness can inject faults (known before any harness opens): the one test that
 * needs it is then reported as not run, with the reason in its title, instead of passing in silence.
 */
export function backendContract(backend: string, o: { faults: boolean }, open: () => Promise<BackendHarness>): void {
  describe(`ConnectCluster contract: ${backend}`, () => {
    const withHarness = (fn: (h: BackendHarness) => Promise<void>) => async () => {
      const h = await open();
      try {
        await fn(h);
      } finally {
        await h.teardown();
      }
    };

    it(
      '404: a missing connector is undefined on reads, a no-op on delete, and a UserError on actions',
      withHarness(async (h) => {
        const missing = h.name('missing');
        expect(await h.cluster.status(missing)).toBeUndefined();
        expect(await h.cluster.connectorConfig(missing)).toBeUndefined();
        await expect(h.cluster.delete(missing)).resolves.toBeUndefined();
        await expectUserError(h.cluster.pause(missing), h.codes.notFound);
        await expectUserError(h.cluster.resume(missing), h.codes.notFound);
        await expectUserError(h.cluster.restart(missing), h.codes.notFound);
        expect((await h.cluster.collect()).connectors.map((c) => c.name)).not.toContain(missing);
      }),
    );

    it(
      'create: the connector shows in collect() with its config; creating the same name again is CONNECTOR_EXISTS',
      withHarness(async (h) => {
        const name = h.name('create');
        const config = h.sinkConfig();
        await h.cluster.create(name, config);
        await eventually(h, name, 'RUNNING');
        const mine = (await h.cluster.collect()).connectors.find((c) => c.name === name);
        expect(mine?.status.type).toBe('sink');
        // What the server adds is declared in traits; everything else is what was sent, or a declared mask.
        const stored = Object.fromEntries(
          Object.entries(mine!.config).filter(([k]) => !h.cluster.traits.serverManagedKeys.includes(k)),
        );
        expect(Object.keys(stored).sort()).toEqual(Object.keys(config).sort());
        for (const [k, v] of Object.entries(config))
          if (stored[k] !== v)
            expect(h.cluster.traits.isMasked(stored[k]!), `${k} changed but is not a mask`).toBe(true);
        await expectUserError(h.cluster.create(name, config), 'CONNECTOR_EXISTS');
      }),
    );

    it(
      'masked secrets: what the backend hides is declared by traits.isMasked, and a plan right after create is empty',
      withHarness(async (h) => {
        const name = h.name('secret');
        const config = { ...h.sinkConfig(), [h.secret.key]: h.secret.value };
        await h.cluster.create(name, config);
        await eventually(h, name, 'RUNNING');
        const stored = await h.cluster.connectorConfig(name);
        const back = stored?.[h.secret.key];
        if (h.capabilities.masksSecrets) {
          expect(back).not.toBe(h.secret.value);
          expect(h.cluster.traits.isMasked(back!)).toBe(true);
        } else {
          expect(back).toBe(h.secret.value);
          expect(h.cluster.traits.isMasked(back!)).toBe(false);
        }
        const plan = computePlan(
          [{ name, config, state: 'RUNNING', file: 'secret.json' }],
          await h.cluster.collect(),
          h.cluster.traits,
          { env: 'contract', prune: false, ownedPrefixes: [name] },
        );
        expect(plan.changes.filter((c) => c.action !== 'none')).toEqual([]);
        expect(plan.changes).toHaveLength(1);
      }),
    );

    it(
      'initial_state: PAUSED on create ends PAUSED; STOPPED on create is honoured or refused as the backend declares',
      withHarness(async (h) => {
        expect(h.cluster.traits.supportsInitialState).toBe(h.capabilities.initialStateOnCreate);
        const paused = h.name('init-paused');
        await h.cluster.create(paused, h.sinkConfig(), 'PAUSED');
        await eventually(h, paused, 'PAUSED');

        const stopped = h.name('init-stopped');
        if (h.capabilities.stop) {
          await h.cluster.create(stopped, h.sinkConfig(), 'STOPPED');
          const s = await eventually(h, stopped, 'STOPPED');
          expect(s.tasks).toEqual([]);
        } else {
          await expectUserError(h.cluster.create(stopped, h.sinkConfig(), 'STOPPED'), h.codes.stopUnsupported);
          expect(await h.cluster.status(stopped)).toBeUndefined();
        }
      }),
    );

    it(
      'pause, resume and stop: each ends in its state (stop refused where the backend has no STOPPED)',
      withHarness(async (h) => {
        const name = h.name('states');
        await h.cluster.create(name, h.sinkConfig());
        await eventually(h, name, 'RUNNING');
        await h.cluster.pause(name);
        await eventually(h, name, 'PAUSED');
        await h.cluster.resume(name);
        await eventually(h, name, 'RUNNING');
        if (h.capabilities.stop) {
          await h.cluster.stop(name);
          await eventually(h, name, 'STOPPED');
          await h.cluster.resume(name);
          await eventually(h, name, 'RUNNING');
        } else {
          await expectUserError(h.cluster.stop(name), h.codes.stopUnsupported);
          expect((await h.cluster.status(name))?.state).toBe('RUNNING');
        }
        await h.cluster.delete(name);
        // A real worker answers the DELETE before every worker has dropped the connector: gone within the bound.
        expect(await gone(h, name)).toBeUndefined();
      }),
    );

    it(
      'offsets: read, altered (needing STOPPED where the backend says so) and reset',
      withHarness(async (h) => {
        const name = h.name('offsets');
        // Created in the state where offsets can be altered without it running: STOPPED, or PAUSED on Cloud.
        await h.cluster.create(name, h.offsets.config, h.capabilities.stop ? 'STOPPED' : 'PAUSED');
        await eventually(h, name, h.capabilities.stop ? 'STOPPED' : 'PAUSED');
        expect(await h.cluster.getOffsets(name)).toEqual([]);
        if (h.capabilities.offsetsNeedStop) {
          await h.cluster.resume(name);
          await eventually(h, name, 'RUNNING');
          await expectUserError(h.cluster.alterOffsets(name, h.offsets.sample), undefined);
          await h.cluster.stop(name);
          await eventually(h, name, 'STOPPED');
        }
        await h.cluster.alterOffsets(name, h.offsets.sample);
        expect(await h.cluster.getOffsets(name)).toEqual(h.offsets.sample);
        await h.cluster.resetOffsets(name);
        expect(await h.cluster.getOffsets(name)).toEqual([]);
      }),
    );

    const conflict = '409: a rebalance conflict is retried where the backend retries it, and an answer otherwise';
    (o.faults ? it : it.skip)(
      o.faults ? conflict : `${conflict} (not run: no fault injection on a real cluster)`,
      withHarness(async (h) => {
        const faults = h.faults!;
        const name = h.name('conflict');
        const config = h.sinkConfig();
        await h.cluster.create(name, config);
        await eventually(h, name, 'RUNNING');
        const changed = { ...config, 'tasks.max': '2' };
        const before = faults.requestCount();
        faults.conflict('PUT', /\/config$/, 2);
        if (h.capabilities.retries409) {
          await h.cluster.updateConfig(name, changed);
          expect(faults.requestCount() - before).toBe(3);
          expect((await h.cluster.connectorConfig(name))?.['tasks.max']).toBe('2');
        } else {
          await expectUserError(h.cluster.updateConfig(name, changed), undefined);
          expect(faults.requestCount() - before).toBe(1);
          expect((await h.cluster.connectorConfig(name))?.['tasks.max']).toBe(config['tasks.max']);
        }
      }),
    );
  });
}

/** Polls `status` until the connector (and every task) is in `state`, within the harness's settle time. */
async function eventually(h: BackendHarness, name: string, state: ObservedState): Promise<ConnectorStatus> {
  const deadline = Date.now() + Math.max(h.settleMs, 2_000);
  let last: ConnectorStatus | undefined;
  for (;;) {
    last = await h.cluster.status(name);
    if (last?.state === state && last.tasks.every((t) => t.state === state)) return last;
    if (Date.now() > deadline)
      throw new Error(`${name}: expected ${state} within ${h.settleMs} ms, last seen ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The status once the connector is gone, or the last one seen when the bound ran out. */
async function gone(h: BackendHarness, name: string): Promise<ConnectorStatus | undefined> {
  const deadline = Date.now() + Math.max(h.settleMs, 10_000);
  for (;;) {
    const last = await h.cluster.status(name);
    if (last === undefined || Date.now() > deadline) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function expectUserError(p: Promise<unknown>, code: string | undefined): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, 'expected a UserError').toBeInstanceOf(UserError);
  if (code !== undefined) expect((e as UserError).code).toBe(code);
}
