import type { CommandSpec } from '../command-spec.js';

const load = () => import('../handlers/scaffold.js');

export const scaffoldCommands: CommandSpec[] = [
  {
    path: ['init'],
    summary: 'write a connector configuration repository (kcops.yaml, connectors/<env>/, schemas, scripts)',
    args: [{ name: 'dir', description: 'where (default: the current directory)' }],
    examples: [{ command: 'kcops init kafka-connect-configs', description: 'a new repository with dev, staging and prod' }],
    handler: async () => (await load()).init,
  },
  {
    path: ['new'],
    summary: 'write a connector file from a template, in the flavour of the environment (self-managed or Confluent Cloud)',
    args: [{ name: 'template', description: 'postgres-cdc | jdbc-sink', required: true }],
    options: [
      { flags: '--name <name>', description: 'connector name (also the file name)' },
    ],
    examples: [{ command: 'kcops new postgres-cdc --env dev --name payments-orders-cdc', description: 'connectors/dev/payments-orders-cdc.json' }],
    handler: async () => (await load()).newConnector,
  },
];
