import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { devHome, devWorkerLogFiles } from '../../../../src/core/dev-stack/home.js';
import { resolveLocally } from '../../../../src/core/secrets/resolve.js';
import { resolveSettings } from '../../../../src/dev/settings.js';
import { generateCredentials, writeSecretFile, type Credentials } from '../../../../src/dev/credentials.js';
import { UserError } from '../../../../src/errors.js';

const DEV = { dev: { type: 'dev-stack', resolvedBy: 'kcops' } } as const;
let home: string;
let creds: Credentials;

function failure(f: () => unknown): UserError {
  try {
    f();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}
const shown = (e: UserError) => [e.message, e.hint ?? '', ...e.details].join('\n');

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'kcops-devstack-'));
  creds = generateCredentials();
  writeSecretFile(join(home, 'credentials.json'), JSON.stringify(creds));
});

describe('the dev-stack secret provider', () => {
  it('resolves dotted paths of the credentials file in KCOPS_DEV_HOME', () => {
    const env = { KCOPS_DEV_HOME: home };
    expect(resolveLocally('${dev:connect.password}', DEV, env)).toBe(creds.connect.password);
    expect(resolveLocally('${dev:kafka.admin.password}', DEV, env)).toBe(creds.kafka.admin.password);
    expect(resolveLocally('${dev:kafka.serviceAccounts.sa-payments.password}', DEV, env)).toBe(
      creds.kafka.serviceAccounts['sa-payments']!.password,
    );
    expect(resolveLocally('${dev:s3.secretAccessKey}', DEV, env)).toBe(creds.s3!.secretAccessKey);
  });

  it('an unknown key or a group lists the keys, never a value', () => {
    for (const ref of ['${dev:connect.pasword}', '${dev:kafka.admin}']) {
      const e = failure(() => resolveLocally(ref, DEV, { KCOPS_DEV_HOME: home }));
      expect(e.code).toBe('SECRET_UNRESOLVED');
      expect(e.details.join()).toContain('connect.password');
      expect(e.details.join()).toContain('kafka.serviceAccounts.sa-payments.password');
      for (const v of [creds.connect.password, creds.kafka.admin.password, creds.s3!.secretAccessKey])
        expect(shown(e)).not.toContain(v);
    }
  });

  it('a reference with a path is refused with the form to write', () => {
    const e = failure(() => resolveLocally('${dev:credentials.json:connect.password}', DEV, { KCOPS_DEV_HOME: home }));
    expect(e.hint).toContain('${dev:connect.password}');
  });

  it('no stack in the dev home: the file and the command that makes it', () => {
    const e = failure(() => resolveLocally('${dev:connect.password}', DEV, { KCOPS_DEV_HOME: join(home, 'none') }));
    expect(e.message).toContain(join(home, 'none', 'credentials.json'));
    expect(e.hint).toContain('kcops dev up');
  });
});

describe('dev home facts core reads', () => {
  it('the default home is the one `kcops dev up` uses', () => {
    expect(devHome({})).toBe(join(homedir(), '.kcops', 'dev'));
    expect(devHome({ KCOPS_DEV_HOME: home })).toBe(home);
    for (const env of [{}, { KCOPS_DEV_HOME: home }]) expect(devHome(env)).toBe(resolveSettings({ env }).home);
  });

  it('worker log files in worker order, or the two the stack will write', () => {
    expect(devWorkerLogFiles(home)).toEqual([join(home, 'logs', 'worker-1.log'), join(home, 'logs', 'worker-2.log')]);
    mkdirSync(join(home, 'logs'));
    for (const f of ['worker-10.log', 'worker-2.log', 'worker-1.log', 'broker.log', 'worker-1.out'])
      writeFileSync(join(home, 'logs', f), '');
    expect(devWorkerLogFiles(home)).toEqual(
      ['worker-1.log', 'worker-2.log', 'worker-10.log'].map((f) => join(home, 'logs', f)),
    );
  });
});
