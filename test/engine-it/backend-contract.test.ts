import { randomBytes } from 'node:crypto';
import { describe, it } from 'vitest';
import { openSelfManagedConnect } from '../../src/connect/self-managed/backend.js';
import { backendContract } from '../support/backend-contract.js';
import { fileSink, stackFromEnv } from '../support/cli-repo.js';

/**
 * The one backend contract (test/support/backend-contract.ts) on the real dev stack: in CI, the integration project's
 * stack (global-setup.ts); by hand, a running `kcops dev up` (KCOPS_TEST_CONNECT_URLS, KCOPS_TEST_CREDENTIALS_FILE).
 * Every connector is under a per-run prefix of the payments team and deleted afterwards, so a shared stack is safe.
 */
const stack = stackFromEnv();

if (!stack) {
  describe.skip('ConnectCluster contract: self-managed (real dev stack)', () => {
    it('needs KCOPS_TEST_CONNECT_URLS and KCOPS_TEST_CREDENTIALS_FILE (a running dev stack)', () => {});
  });
} else {
  const run = randomBytes(3).toString('hex');
  let n = 0;
  backendContract('self-managed (real dev stack)', { faults: false }, async () => {
    const cluster = openSelfManagedConnect({ urls: stack.urls, auth: stack.creds.connect });
    // One prefix per harness: teardown deletes exactly what this test created.
    const prefix = `payments-kcct-${run}-${++n}-`;
    return {
      cluster,
      capabilities: {
        stop: true,
        initialStateOnCreate: true,
        retries409: true,
        masksSecrets: false,
        offsetsNeedStop: true,
      },
      name: (s) => prefix + s,
      sinkConfig: () => fileSink('payments.kcct', `/tmp/kcct-${run}.txt`),
      // A literal (not a provider reference) in a key Connect does not know: stored and returned as is.
      secret: { key: 'kcops.contract.password', value: 'contract-literal' },
      // FileStreamSource implements KIP-875 alterOffsets: partition {filename}, offset {position} (a long).
      offsets: {
        config: {
          'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
          topic: 'payments.kcct',
          file: `/tmp/kcct-${run}-in.txt`,
          'producer.override.sasl.jaas.config': '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}',
        },
        sample: [{ partition: { filename: `/tmp/kcct-${run}-in.txt` }, offset: { position: 42 } }],
      },
      codes: { notFound: 'CONNECT_NOT_FOUND' },
      faults: undefined,
      settleMs: 60_000,
      teardown: async () => {
        for (const c of (await cluster.collect()).connectors)
          if (c.name.startsWith(prefix)) await cluster.delete(c.name);
        await cluster.close();
      },
    };
  });
}
