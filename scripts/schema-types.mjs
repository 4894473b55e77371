#!/usr/bin/env node
// Regenerates schema/graphql-env.d.ts (the schema as types, which gql.tada checks documents against)
// from schema/schema.graphql; `--check` fails when the committed file is stale.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const committed = path.join(root, 'schema', 'graphql-env.d.ts');
const generate = (output) =>
  execFileSync('npx', ['gql.tada', 'generate-output', '--tsconfig', path.join(root, 'web', 'tsconfig.json'), '--output', output], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

if (!process.argv.includes('--check')) {
  generate(committed);
  process.stdout.write('Wrote schema/graphql-env.d.ts\n');
} else {
  const dir = mkdtempSync(path.join(tmpdir(), 'schema-types-'));
  try {
    const fresh = path.join(dir, 'graphql-env.d.ts');
    generate(fresh);
    if (readFileSync(fresh, 'utf8') !== readFileSync(committed, 'utf8')) {
      process.stderr.write('schema/graphql-env.d.ts is stale: run `npm run schema:generate` and commit the result.\n');
      process.exit(1);
    }
    process.stdout.write('schema/graphql-env.d.ts is up to date.\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
