// Writes the OpenAPI document the service serves to web/openapi.json, from which `npm run openapi:types`
// generates the console's typed client (web/src/api/schema.d.ts). Run both after changing a route.
import { writeFileSync } from 'node:fs';
import { openApiDocument } from '../src/openapi/openapi.routes.js';

const out = new URL('../web/openapi.json', import.meta.url);
writeFileSync(out, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log(`wrote ${out.pathname}`);
