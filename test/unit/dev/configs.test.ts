import { describe, expect, it } from 'vitest';
import {
  brokerProperties,
  connectJaas,
  connectUsers,
  escapeProperty,
  log4j2Properties,
  workerProperties,
} from '../../../src/dev/configs.js';
import { generateCredentials, credentialsSchema } from '../../../src/dev/credentials.js';
import { devAcls } from '../../../src/dev/acls.js';
import { DEFAULT_PORTS, resolveSettings } from '../../../src/dev/settings.js';
import { brokerCommand, workerCommand } from '../../../src/dev/commands.js';

const settings = resolveSettings({ home: '/h', cacheDir: '/c', env: {} });
const creds = generateCredentials();
const rt = {
  root: '/rt',
  libs: '/rt/libs',
  plugins: '/rt/plugins',
  jmxAgent: '/rt/agents/j.jar',
  s3mockJar: '/rt/s.jar',
  resolved: false,
};

function parse(props: string): Map<string, string> {
  return new Map(
    props
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('dev stack configuration', () => {
  it('keeps default ports away from the services this machine kind runs', () => {
    const taken = [5432, 3306, 6379, 5672, 1883, 4222];
    const ours = [
      DEFAULT_PORTS.kafka,
      DEFAULT_PORTS.controller,
      ...DEFAULT_PORTS.connect,
      ...DEFAULT_PORTS.metrics,
      DEFAULT_PORTS.s3,
      DEFAULT_PORTS.s3Https,
      DEFAULT_PORTS.postgres,
    ];
    expect(ours.filter((p) => taken.includes(p))).toEqual([]);
    expect(new Set(ours).size).toBe(ours.length);
  });

  it('makes the broker require SASL/PLAIN on every listener and enforce ACLs with only the admin as super user', () => {
    const p = parse(brokerProperties(settings, creds, '/h/data/kafka'));
    expect(p.get('listener.security.protocol.map')).toBe('BROKER:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT');
    expect(p.get('authorizer.class.name')).toBe('org.apache.kafka.metadata.authorizer.StandardAuthorizer');
    expect(p.get('super.users')).toBe(`User:${creds.kafka.admin.username}`);
    expect(p.get('allow.everyone.if.no.acl.found')).toBe('false');
    for (const id of [creds.kafka.worker, ...Object.values(creds.kafka.serviceAccounts)]) {
      expect(p.get('listener.name.broker.plain.sasl.jaas.config')).toContain(`user_${id.username}="${id.password}"`);
    }
  });

  it('makes workers authenticate as their own principal and require basic auth on REST', () => {
    const p = parse(workerProperties(settings, creds, 1, { pluginPath: '/rt/plugins', secretsDir: '/h/secrets' }));
    expect(p.get('sasl.jaas.config')).toContain(`username="${creds.kafka.worker.username}"`);
    expect(p.get('producer.sasl.jaas.config')).toContain(`username="${creds.kafka.worker.username}"`);
    expect(p.get('rest.extension.classes')).toContain('BasicAuthSecurityRestExtension');
    expect(p.get('listeners')).toBe(`http://127.0.0.1:${DEFAULT_PORTS.connect[1]}`);
    expect(p.get('group.id')).toBe('kcops-dev-connect');
    expect(p.get('config.providers.file.param.allowed.paths')).toBe('/h/secrets');
  });

  it('with the access extension: its class, its key file and the audit file of this worker (issue #15)', () => {
    const p = parse(
      workerProperties(settings, creds, 0, {
        pluginPath: '/rt/plugins',
        secretsDir: '/h/secrets',
        access: { keysFile: '/h/config/connect-access-keys.json', auditFile: '/h/logs/worker-1-access-audit.jsonl' },
      }),
    );
    expect(p.get('rest.extension.classes')).toBe('dev.kcops.connect.access.AccessRestExtension');
    expect(p.get('kcops.access.keys.file')).toBe('/h/config/connect-access-keys.json');
    expect(p.get('kcops.access.audit.file')).toBe('/h/logs/worker-1-access-audit.jsonl');
    expect(p.get('plugin.path')).toBe('/rt/plugins');
  });

  it('logs the per-connector context in every line', () => {
    expect(log4j2Properties('/h/logs/worker-1.log')).toContain('%X{connector.context}');
  });

  it('writes the REST users file and JAAS config for the basic-auth extension', () => {
    expect(connectUsers(creds)).toBe(`${creds.connect.username}=${creds.connect.password}\n`);
    expect(connectJaas('/h/config/users.properties')).toContain('PropertyFileLoginModule required');
  });

  it('escapes property values', () => {
    expect(escapeProperty('a\\b')).toBe('a\\\\b');
    expect(escapeProperty(' lead')).toBe('\\ lead');
  });

  it('generates credentials in the documented shape, with distinct strong secrets', () => {
    const c = credentialsSchema.parse(creds);
    expect(Object.keys(c.kafka.serviceAccounts).sort()).toEqual(['sa-analytics', 'sa-payments']);
    const secrets = [
      c.connect.password,
      c.kafka.admin.password,
      c.kafka.worker.password,
      ...Object.values(c.kafka.serviceAccounts).map((s) => s.password),
    ];
    expect(new Set(secrets).size).toBe(secrets.length);
    expect(secrets.every((s) => s.length >= 32)).toBe(true);
  });

  it('grants least-privilege ACLs: the worker its internal topics and group, each team its prefix', () => {
    const grants = devAcls(settings, creds);
    const worker = grants.filter((g) => g.principal === `User:${creds.kafka.worker.username}`);
    expect(worker.map((g) => `${g.resource}:${g.name}`)).toEqual([
      'TOPIC:_kcops-connect-',
      'GROUP:kcops-dev-connect',
      'CLUSTER:kafka-cluster',
    ]);
    const payments = grants.filter((g) => g.principal === 'User:sa-payments');
    expect(payments.find((g) => g.resource === 'TOPIC')).toMatchObject({ name: 'payments.', pattern: 'PREFIXED' });
    expect(payments.find((g) => g.resource === 'GROUP')).toMatchObject({
      name: 'connect-payments',
      pattern: 'PREFIXED',
    });
  });

  it('enables KIP-618 exactly-once source support only when asked, with the transactional ids it needs', () => {
    const paths = { pluginPath: '/rt/plugins', secretsDir: '/h/secrets' };
    expect(parse(workerProperties(settings, creds, 0, paths)).has('exactly.once.source.support')).toBe(false);
    const eos = { ...settings, exactlyOnceSource: true };
    expect(parse(workerProperties(eos, creds, 0, paths)).get('exactly.once.source.support')).toBe('enabled');
    const worker = `User:${creds.kafka.worker.username}`;
    const txn = (s: typeof settings) =>
      devAcls(s, creds)
        .filter((g) => g.resource === 'TRANSACTIONAL_ID')
        .map((g) => `${g.principal} ${g.name} ${g.pattern}`);
    expect(txn(settings).some((t) => t.startsWith(worker))).toBe(false);
    expect(txn(eos)).toContain(`${worker} connect-cluster-kcops-dev-connect LITERAL`);
    // A source task's transactional id is <group>-<connector>-<task>: each team owns those of its connectors.
    expect(txn(eos)).toContain('User:sa-payments kcops-dev-connect-payments PREFIXED');
  });

  it('marks every Java process with its dev home, so only our own processes are ever stopped', () => {
    expect(brokerCommand(settings, rt, '/h/config', '/h/logs').args).toContain('-Dkcops.dev=/h#broker');
    const w = workerCommand(settings, rt, 0, '/h/config', '/h/logs').args;
    expect(w).toContain('-Dkcops.dev=/h#worker-1');
    expect(w.find((a) => a.startsWith('-javaagent:'))).toBe(
      `-javaagent:/rt/agents/j.jar=127.0.0.1:${DEFAULT_PORTS.metrics[0]}:/h/config/jmx-connect.yaml`,
    );
  });
});
