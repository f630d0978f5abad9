import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The user's shared material (specs, corpus) lives beside the repository, in ../shared. A CI checkout may sit
 * elsewhere, so look for it: KCOPS_SHARED_DIR, then ../shared of the checkout, then the workplace's /work/shared.
 */
function findSharedDir(): string {
  const candidates = [process.env.KCOPS_SHARED_DIR, join(import.meta.dirname, '..', '..', 'shared'), '/work/shared'];
  const found = candidates.find((d): d is string => !!d && existsSync(join(d, 'specs')));
  if (!found) {
    throw new Error(
      `The shared specs and corpus were not found (tried ${candidates.filter(Boolean).join(', ')}); set KCOPS_SHARED_DIR.`,
    );
  }
  return found;
}

export const SHARED_DIR = findSharedDir();
