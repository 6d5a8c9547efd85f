// npm run openapi:write [-- FILE]: writes the OpenAPI 3.1 document to web/openapi.json (or FILE), built
// in-process from the route registry: no server, no database. The console generates its typed API client from
// it; a test checks the committed file is current.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '../src/openapi/openapi.routes.js';

export const OPENAPI_FILE = fileURLToPath(new URL('../web/openapi.json', import.meta.url));

const target = resolve(process.argv[2] ?? OPENAPI_FILE);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log(`wrote ${target}`);
