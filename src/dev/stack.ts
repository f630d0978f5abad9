import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import type { KafkaAccess } from '../core/observe/lag.js';
import { credentialsSchema, type Credentials, type Identity } from './credentials.js';
import { workerSecretEnv } from './files.js';
import { DEV_DATABASE, withCredentials } from './postgres.js';
import { layout, type DevSettings } from './settings.js';
import { readState } from './state.js';

/**
 * What the data-plane commands (datagen, verify, clean) need of a running dev stack, read from its home: endpoints
 * from state.json (the ports it really started on), identities from credentials.json. Nothing here is printed.
 */
export interface StackAccess {
  home: string;
  credentials: Credentials;
  connect: { urls: string[]; auth: Identity };
  /** The admin principal (super user): reads any topic, deletes topics and groups. */
  kafkaAdmin: KafkaAccess;
  /** A team's service account (`sa-payments`): what its connectors run as, so ACLs apply. */
  kafkaAs(account: string): KafkaAccess;
  /** A URL of one database as the CDC role, the identity the example connectors use. */
  pgUrl(database?: string): string;
  s3: { endpoint: string; bucket: string };
  /** The KCOPS_* values the workers' env config provider resolves (`${env:KCOPS_PG_HOST}`...). */
  workerEnv: Record<string, string>;
}

export function openStack(s: DevSettings): StackAccess {
  const l = layout(s);
  const state = readState(l.state);
  if (!state || !existsSync(l.credentials)) {
    throw new UserError('DEV_NOT_RUNNING', `No dev stack in ${s.home}.`, {
      hint: 'Start it with `kcops dev up` (or point --home / KCOPS_DEV_HOME at the home it was started with).',
    });
  }
  const credentials = credentialsSchema.parse(JSON.parse(readFileSync(l.credentials, 'utf8')));
  const pgBase = new URL(state.postgres.url);
  const bootstrap = `127.0.0.1:${state.ports.kafka}`;
  const sasl = (id: Identity): KafkaAccess => ({ bootstrap, mechanism: 'PLAIN', ...id });
  return {
    home: s.home,
    credentials,
    connect: { urls: state.ports.connect.map((p) => `http://127.0.0.1:${p}`), auth: credentials.connect },
    kafkaAdmin: sasl(credentials.kafka.admin),
    kafkaAs(account) {
      const id = credentials.kafka.serviceAccounts[account];
      if (!id) {
        throw new UserError('DEV_UNKNOWN_ACCOUNT', `The dev stack has no service account '${account}'.`, {
          hint: `Use one of: ${Object.keys(credentials.kafka.serviceAccounts).join(', ')}.`,
          exitCode: 2,
        });
      }
      return sasl(id);
    },
    pgUrl(database = DEV_DATABASE) {
      if (!credentials.postgres) {
        throw new UserError('DEV_POSTGRES_UNAVAILABLE', `The dev stack in ${s.home} has no PostgreSQL credentials.`, {
          hint: 'Run `kcops dev up` again: it provisions the CDC role and databases.',
        });
      }
      return withCredentials(state.postgres.url, credentials.postgres.cdc, database);
    },
    s3: { endpoint: `http://127.0.0.1:${state.ports.s3}`, bucket: s.bucket },
    workerEnv: workerSecretEnv(credentials, { host: pgBase.hostname, port: Number(pgBase.port || 5432) }),
  };
}

/** Resolves `${env:KCOPS_X}` references of a connector config the way the workers do; other references stay. */
export function resolveWorkerEnv(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{env:([A-Za-z0-9_]+)\}/g, (ref, name: string) => env[name] ?? ref);
}
