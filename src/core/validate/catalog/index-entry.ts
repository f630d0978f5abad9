/** One plugin of the catalog: what the index knows without loading its definition (plugin-index.ts is generated). */
export interface IndexEntry {
  class: string;
  type: 'source' | 'sink';
  managed: boolean;
  load: () => Promise<{ default: unknown }>;
}
