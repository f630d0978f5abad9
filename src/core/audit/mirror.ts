import { describeCause, isUserError, UserError } from '../../errors.js';
import type { Reporter } from '../reporter.js';
import { auditLine } from './log.js';
import type { AuditRecord } from './record.js';

/**
 * The optional second audit sink (`environments.<env>.audit.topic`): the records the JSONL file just received, copied
 * to a Kafka topic. The file stays the source of truth and holds the chain; the copy is published after it, so a
 * failure here never loses a record, and the policy decides whether it fails the command.
 */

/** One Kafka record: the value is the record's JSONL line, byte for byte, so the chain can be checked from the topic. */
export interface AuditMessage {
  /** The connector, so one connector's records stay in order on one partition. */
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface AuditPublisher {
  /** Where the records go, for messages, e.g. `topic _kcops-audit on 10.0.0.1:9092`. */
  readonly target: string;
  /** Publishes all of them, in order, or throws (a UserError with a hint when the cause is known). */
  publish(messages: AuditMessage[]): Promise<void>;
}

export interface AuditMirror {
  publisher: AuditPublisher;
  /** audit.required: a failure to publish fails the command instead of warning. */
  required: boolean;
}

export function auditMessage(r: AuditRecord): AuditMessage {
  return {
    key: r.connector || r.env,
    value: auditLine(r),
    headers: {
      'kcops-env': r.env,
      'kcops-action': r.action,
      'kcops-deployment-id': r.deploymentId,
      'kcops-seq': String(r.seq),
    },
  };
}

/**
 * Publishes what `appendAudit` returned. Not required: a warning (the file has the records). Required: a UserError
 * that says nothing was undone and the file has the records, so nobody repeats a mutation to get it audited.
 */
export async function mirrorAudit(
  records: readonly AuditRecord[],
  mirror: AuditMirror | undefined,
  file: string,
  reporter: Reporter,
): Promise<void> {
  if (!mirror || records.length === 0) return;
  try {
    await mirror.publisher.publish(records.map(auditMessage));
  } catch (e) {
    const first = records[0]!.seq;
    const last = records.at(-1)!.seq;
    const which = first === last ? `Audit record ${first}` : `Audit records ${first}–${last}`;
    const what = `${which} (deployment ${records[0]!.deploymentId}) ${first === last ? 'is' : 'are'} in ${file} but not published to ${mirror.publisher.target}: ${describeCause(e).replace(/\.$/, '')}`;
    const hint = (isUserError(e) ? e.hint : undefined) ?? 'The topic must exist and kcops needs WRITE on it.';
    const again = `Once fixed: \`kcops audit publish --env ${records[0]!.env} --from-seq ${first} --to-seq ${last}\`.`;
    if (!mirror.required) {
      reporter.warn(`${what}. ${hint} ${again}`);
      return;
    }
    throw new UserError(
      'AUDIT_TOPIC_FAILED',
      `${what}. Nothing was undone (the file says what the command did); audit.required is true, so the command fails.`,
      {
        hint: `${hint} ${again} (audit.required: false in kcops.yaml makes this a warning.)`,
        cause: e,
      },
    );
  }
}
