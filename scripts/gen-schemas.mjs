// Writes schemas/*.schema.json from the zod schemas in src/registry/schema.ts (built to dist/).
// The drift test (test/schemas.test.ts) fails when these files and the zod source disagree.
import { writeFileSync, mkdirSync } from 'node:fs';
import { renderSchemas } from '../dist/registry/json-schema.js';

mkdirSync('schemas', { recursive: true });
for (const [name, text] of Object.entries(renderSchemas())) {
  writeFileSync(`schemas/${name}`, text);
  console.log(`wrote schemas/${name}`);
}
