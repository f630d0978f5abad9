/** Connector offsets (KIP-875) as operations: read, alter and reset, changes through the audit. */
import type { ConnectorOffset } from '../../connect/cluster.js';
import { requireStatus, requireStopped } from '../operate/connectors.js';
import type { Operation } from './audit.js';

export async function readOffsets(op: Pick<Operation, 'connect'>, name: string): Promise<ConnectorOffset[]> {
  await requireStatus(op.connect, name);
  return op.connect.getOffsets(name);
}

/** Alters the offsets of a STOPPED connector; returns the offsets in place afterwards. */
export async function alterOffsets(
  op: Operation,
  name: string,
  offsets: ConnectorOffset[],
): Promise<ConnectorOffset[]> {
  await requireStopped(op.connect, name, 'altered');
  await op.audit({ action: 'ops:offsets:alter', connector: name, details: { offsets } }, () =>
    op.connect.alterOffsets(name, offsets),
  );
  return op.connect.getOffsets(name);
}

/** Resets the offsets of a STOPPED connector: it re-reads from the beginning when started again. */
export async function resetOffsets(op: Operation, name: string): Promise<void> {
  await requireStopped(op.connect, name, 'reset');
  await op.audit({ action: 'ops:offsets:reset', connector: name }, () => op.connect.resetOffsets(name));
}
