import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { findRepoRoot } from '../config';
import { buildGreenlightSchema } from '../graphql/schema';

/**
 * `--write` regenerates schema/schema.graphql from the code; `--check` fails when the committed
 * file differs, so a stale schema cannot land.
 */
async function run(): Promise<void> {
  const file = path.join(findRepoRoot(), 'schema', 'schema.graphql');
  const sdl = printSchema(lexicographicSortSchema(await buildGreenlightSchema())) + '\n';
  if (process.argv.includes('--write')) {
    writeFileSync(file, sdl);
    process.stdout.write(`Wrote ${path.relative(process.cwd(), file)}\n`);
    return;
  }
  let committed = '';
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    /* missing counts as stale */
  }
  if (committed !== sdl) {
    process.stderr.write('schema/schema.graphql is stale: run `npm run schema:generate` and commit the result.\n');
    process.exit(1);
  }
  process.stdout.write('schema/schema.graphql is up to date.\n');
}

run().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
