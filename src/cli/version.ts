import { readFileSync } from 'node:fs';

/** The package's version; its own module so a handler can name it without importing main.ts (an import cycle). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
