/** The command line of each Java process in the stack (pure, unit-tested). */
import { join } from 'node:path';
import type { RuntimeArtifacts } from './artifacts.js';
import type { Component, DevSettings } from './settings.js';

export function marker(s: DevSettings, c: Component): string {
  return `-Dkcops.dev=${s.home}#${c}`;
}

export interface JavaCommand {
  args: string[];
}

/**
 * TieredStopAtLevel=1: only the C1 JIT. On a 2-core laptop or CI box the C2 compiler competes with start-up for the
 * CPU; a dev stack wants to be ready fast more than it wants peak throughput (see bench/dev-up.bench.js).
 */
const COMMON_JVM = ['-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];

export function brokerCommand(s: DevSettings, rt: RuntimeArtifacts, configDir: string, logsDir: string): JavaCommand {
  return {
    args: [
      '-Xms128m',
      '-Xmx512m',
      ...COMMON_JVM,
      marker(s, 'broker'),
      `-Dkafka.logs.dir=${logsDir}`,
      `-Dlog4j2.configurationFile=${join(configDir, 'broker-log4j2.properties')}`,
      '-cp',
      `${rt.libs}/*`,
      'kafka.Kafka',
      join(configDir, 'broker.properties'),
    ],
  };
}

export function storageFormatCommand(rt: RuntimeArtifacts, configDir: string, clusterId: string): JavaCommand {
  return {
    args: [
      '-Xmx256m',
      `-Dlog4j2.configurationFile=${join(configDir, 'tools-log4j2.properties')}`,
      '-cp',
      `${rt.libs}/*`,
      'kafka.tools.StorageTool',
      'format',
      '--standalone',
      '--ignore-formatted',
      '-t',
      clusterId,
      '-c',
      join(configDir, 'broker.properties'),
    ],
  };
}

export function workerCommand(
  s: DevSettings,
  rt: RuntimeArtifacts,
  index: 0 | 1,
  configDir: string,
  logsDir: string,
  /** Extra jars on the classpath: the access extension (on the classpath rather than plugin.path, because every
   * plugin.path location costs the workers another plugin scan, tens of seconds on a loaded machine). */
  extraJars: string[] = [],
): JavaCommand {
  const c: Component = index === 0 ? 'worker-1' : 'worker-2';
  return {
    args: [
      '-Xms128m',
      '-Xmx768m',
      ...COMMON_JVM,
      marker(s, c),
      `-javaagent:${rt.jmxAgent}=127.0.0.1:${s.ports.metrics[index]}:${join(configDir, 'jmx-connect.yaml')}`,
      `-Djava.security.auth.login.config=${join(configDir, 'connect-jaas.conf')}`,
      `-Dkafka.logs.dir=${logsDir}`,
      `-Dlog4j2.configurationFile=${join(configDir, `${c}-log4j2.properties`)}`,
      '-cp',
      [`${rt.libs}/*`, ...extraJars].join(':'),
      'org.apache.kafka.connect.cli.ConnectDistributed',
      join(configDir, `${c}.properties`),
    ],
  };
}

export function s3Command(s: DevSettings, rt: RuntimeArtifacts, dataDir: string): JavaCommand {
  return {
    args: [
      '-Xms64m',
      '-Xmx256m',
      '-XX:+UseSerialGC',
      marker(s, 's3'),
      '-jar',
      rt.s3mockJar,
      `--com.adobe.testing.s3mock.httpPort=${s.ports.s3}`,
      `--server.port=${s.ports.s3Https}`,
      '--server.address=127.0.0.1',
      `--com.adobe.testing.s3mock.store.root=${dataDir}`,
      `--com.adobe.testing.s3mock.store.initialBuckets=${s.bucket}`,
      '--com.adobe.testing.s3mock.store.retainFilesOnExit=true',
    ],
  };
}
