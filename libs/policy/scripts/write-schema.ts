/** Writes policy.schema.json from the zod schema: `npm run schema` in libs/policy. */
import { writeFileSync } from 'node:fs';
import { policyJsonSchema } from '../src/schema.ts';

const target = new URL('../policy.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
