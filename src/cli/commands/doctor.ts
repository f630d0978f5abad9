import { command } from '../command-spec.js';

export const doctorCommand = command({
  path: ['doctor'],
  summary: 'check network, credentials, clocks and versions of an environment, with a hint per failure',
  description:
    'From this machine: DNS and TCP of the Connect REST URLs and Kafka bootstrap servers, the Connect credentials (401 vs\n' +
    "403), a SASL handshake with the environment's Kafka credentials, clock skew against the workers, worker and plugin\n" +
    'versions against what the repository expects, and the database / S3 endpoints the connectors reference. From the\n' +
    "workers' side: each connector's config is validated by the cluster, where connectors test their own connections.\n" +
    'Exit 0 when everything passed, 1 when something failed.',
  options: [
    { flags: '--timeout <ms>', description: 'per check', default: 5000, integer: true },
    { flags: '--no-connectors', description: 'skip the checks of the endpoints the connectors use' },
  ],
  examples: [
    { command: 'kcops doctor --env prod', description: 'a pass/fail table for prod' },
    { command: 'kcops doctor', description: 'the local dev stack' },
    { command: 'kcops doctor --env staging -o json', description: 'for CI' },
  ],
});
