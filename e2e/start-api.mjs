// Starts the API for an end-to-end run on a fresh, throwaway database (seeded with the demo data).
// Playwright starts web servers before globalSetup, so the wipe happens here.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.resolve(repo, process.env.DATA_DIR ?? '.data/e2e');
if (!dataDir.startsWith(path.join(repo, '.data') + path.sep)) {
  throw new Error(`Refusing to wipe ${dataDir}: end-to-end data must live under ${path.join(repo, '.data')}.`);
}

/** A PostgreSQL left running by an interrupted run still holds the port; stop it before wiping. */
async function stopLeftoverPostgres() {
  const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!Number.isInteger(pid) || pid <= 0 || !alive()) return;
  const command = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
  if (!command.includes('postgres')) return;
  process.kill(pid, 'SIGINT');
  for (let waited = 0; alive() && waited < 30_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
}

await stopLeftoverPostgres();
rmSync(dataDir, { recursive: true, force: true });
// Media kept outside the data folder (see support/stack.ts) starts empty too; only ever our own temp folder.
const mediaDir = process.env.MEDIA_DIR ? path.resolve(process.env.MEDIA_DIR) : undefined;
if (mediaDir && path.dirname(mediaDir) === tmpdir() && path.basename(mediaDir).startsWith('greenlight-e2e')) rmSync(mediaDir, { recursive: true, force: true });
process.env.DATA_DIR = dataDir;
await import(path.join(repo, 'api/dist/api/src/main.js'));
