// `npm run bench`: every benchmark in turn (build first: npm run build).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
for (const file of readdirSync(here).filter((f) => f.endsWith('.mjs') && !['run.mjs', 'lib.mjs'].includes(f)).sort()) {
  if (only && !file.startsWith(only)) continue;
  console.log(`\n== ${file}`);
  execFileSync(process.execPath, [path.join(here, file)], { stdio: 'inherit' });
}
