import type { CloudConnect } from '../../connect/confluent-cloud/backend.js';
import { describeCause, isUserError } from '../../errors.js';
import type { Check } from './doctor.js';

/**
 * `kcops doctor` for a Confluent Cloud environment: there are no workers to probe, so it checks what kcops itself
 * needs: the Connect API with the Cloud key (ids included), every connector's state, the Kafka REST endpoint with the
 * cluster key, and the logs token exchange.
 */
export interface CloudDoctorInput {
  cluster: CloudConnect;
  kafkaRest?: KafkaRestProbe;
  logs?: LogsTokenProbe;
}

/** The cluster's Kafka REST endpoint, as far as the doctor asks it: can the cluster key list topics? */
export interface KafkaRestProbe {
  describe(): string;
  topics(): Promise<Set<string>>;
}

/** The logs API, as far as the doctor asks it: is the Cloud key exchanged for a data-plane token? */
export interface LogsTokenProbe {
  checkToken(): Promise<unknown>;
}

export async function runCloudDoctor(i: CloudDoctorInput): Promise<Check[]> {
  const checks: Check[] = [];
  const target = i.cluster.id;
  const failed = (id: string, t: string, e: unknown): Check => ({
    id,
    target: t,
    status: 'fail',
    detail: describeCause(e),
    ...(isUserError(e) && e.hint ? { hint: e.hint } : {}),
  });
  try {
    await i.cluster.serverInfo();
    checks.push({
      id: 'ccloud.api',
      target,
      status: 'pass',
      detail: `Connect API answers for API key ${i.cluster.credentialKeyId}`,
    });
  } catch (e) {
    checks.push(failed('ccloud.api', target, e));
    return checks; // nothing else can be asked
  }
  const snap = await i.cluster.collect();
  for (const c of snap.connectors) {
    const s = c.status;
    const bad = s.state === 'FAILED' || s.state === 'DEGRADED' || s.tasks.some((t) => t.state === 'FAILED');
    checks.push({
      id: 'connector.state',
      target: c.name,
      status: bad ? 'fail' : s.state === 'PROVISIONING' ? 'warn' : 'pass',
      detail: `${s.state}${s.tasks.length ? `, tasks ${s.tasks.map((t) => t.state).join(' ')}` : ''}${bad && s.trace ? `: ${s.trace.split('\n')[0]}` : ''}`,
      ...(bad
        ? { hint: `See \`kcops connect logs ${c.name}\`; \`kcops connect restart ${c.name}\` once the cause is fixed.` }
        : {}),
    });
  }
  if (i.kafkaRest) {
    try {
      const topics = await i.kafkaRest.topics();
      checks.push({
        id: 'ccloud.kafka-rest',
        target: i.kafkaRest.describe(),
        status: 'pass',
        detail: `${topics.size} topic(s) visible with the cluster key`,
      });
    } catch (e) {
      checks.push(failed('ccloud.kafka-rest', i.kafkaRest.describe(), e));
    }
  } else {
    checks.push({
      id: 'ccloud.kafka-rest',
      target,
      status: 'skip',
      detail: 'no kafka.restEndpoint in kcops.yaml: online topic and ACL checks are skipped',
    });
  }
  if (i.logs) {
    try {
      await i.logs.checkToken();
      checks.push({ id: 'ccloud.logs', target, status: 'pass', detail: 'the Cloud key is exchanged for a logs token' });
    } catch (e) {
      checks.push(failed('ccloud.logs', target, e));
    }
  }
  return checks;
}
