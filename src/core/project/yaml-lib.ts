import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let lib: typeof Yaml | undefined;

/**
 * The yaml package, loaded on first use. It is the heaviest module kcops reads (some 60 files), and most runs of
 * `kcops validate` on one JSON file outside a repository (a pre-commit hook, an editor on save) never read YAML.
 * Synchronous (the package is CommonJS under Node), so the loaders that need it stay synchronous.
 */
export function yamlLib(): typeof Yaml {
  return (lib ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
}
