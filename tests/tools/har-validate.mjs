// Validates HAR files against the HAR 1.2 JSON schema with the npm package har-validator (which bundles
// har-schema). Usage: NODE_PATH=DIR/node_modules node har-validate.mjs FILE.har...
// Exit 0 when every file is valid, 1 with the schema errors otherwise, 2 on a usage or read error.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(path.join(process.env.NODE_PATH ?? process.cwd(), 'noop.js'));
const validate = require('har-validator');

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node har-validate.mjs FILE.har...');
  process.exit(2);
}
let failed = false;
for (const file of files) {
  try {
    await validate.har(JSON.parse(readFileSync(file, 'utf8')));
    console.log(`${file}: valid HAR 1.2`);
  } catch (error) {
    failed = true;
    console.error(`${file}: ${error.message}`);
    for (const detail of error.errors ?? []) console.error(`  ${detail.dataPath ?? detail.instancePath ?? ''} ${detail.message}`);
  }
}
process.exit(failed ? 1 : 0);
