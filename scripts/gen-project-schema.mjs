#!/usr/bin/env node
// Regenerates schemas/kcops.schema.json (the editor JSON Schema of kcops.yaml) from the zod definition; build first.
import { writeFileSync } from 'node:fs';
import { projectJsonSchema } from '../dist/core/project/schema.js';

writeFileSync(
  new URL('../schemas/kcops.schema.json', import.meta.url),
  JSON.stringify(projectJsonSchema(), null, 2) + '\n',
);
process.stdout.write('schemas/kcops.schema.json written\n');
