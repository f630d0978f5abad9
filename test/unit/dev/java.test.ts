import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkJava } from '../../../src/dev/preflight.js';

/** A JAVA_HOME whose bin/java prints what a real JVM of that version prints on `-version` (to stderr). */
function fakeJavaHome(versionLine: string): string {
  const home = mkdtempSync(join(tmpdir(), 'kcops-java-'));
  mkdirSync(join(home, 'bin'));
  writeFileSync(join(home, 'bin', 'java'), `#!/bin/sh\necho '${versionLine}' >&2\n`);
  chmodSync(join(home, 'bin', 'java'), 0o755);
  return home;
}

describe('Java preflight', () => {
  it('accepts Java 17 and newer', async () => {
    expect((await checkJava(fakeJavaHome('openjdk version "17.0.15" 2025-04-15'))).major).toBe(17);
    expect((await checkJava(fakeJavaHome('openjdk version "25" 2025-09-16'))).major).toBe(25);
  });

  it('refuses Java older than 17 with a hint', async () => {
    await expect(checkJava(fakeJavaHome('java version "1.8.0_392"'))).rejects.toMatchObject({
      code: 'DEV_JAVA_TOO_OLD',
      message: expect.stringContaining('Java 8'),
      hint: expect.stringContaining('JAVA_HOME'),
    });
  });

  it('explains a missing Java', async () => {
    await expect(checkJava('/nonexistent/jdk')).rejects.toMatchObject({
      code: 'DEV_JAVA_MISSING',
      hint: expect.stringContaining('Java 17'),
    });
  });
});
