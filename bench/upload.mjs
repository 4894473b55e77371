// Upload to READY over loopback, against the baseline a server is measured by: a plain Node HTTP
// PUT server (its own process, like the API) that streams the body to disk and computes its sha256
// on the way, keeping the file as the API keeps the media (see BASELINE; the same server deleting
// the file at once is timed too). Both get the same 512 MiB file in the same run. tus is timed from the upload's start
// until the episode's media is READY (hashed, probed, poster made), for 8 MiB and 32 MiB chunks;
// the API's memory is sampled during a 64 MiB and the 512 MiB uploads (8 MiB chunks): how far it rises.
// The file is a real video (a short H.264 clip with its index first) followed by an MP4 `free` box
// that pads it to size: players and ffprobe skip the box, so it probes and gets a poster like any
// upload, without minutes of encoding.
// Beside the rates it prints the CPU each side spent per upload (the API process's, from /proc, and
// this client's), which a busy machine disturbs far less than the wall-clock figures. Before each
// transfer the page cache is written to disk (untimed), so no transfer pays for another's, and each
// timed transfer follows an untimed one of its own kind (see afterItsOwnKind).
//   node bench/upload.mjs [--mib 512] [--rounds 5] [--profile <dir>]
// --profile writes the API's CPU profile (node --cpu-prof) into <dir> when it stops.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { closeSync, createReadStream, openSync, read, readdirSync, readFileSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import * as tus from 'tus-js-client';
import { apiRequire, machine, rssMiB, signIn, startApi } from './lib.mjs';

/** CPU seconds (user + system) process `pid` has used so far. */
function cpuSeconds(pid) {
  return statCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}
/** User + system CPU seconds of a /proc `stat` text (process or thread). */
function statCpuSeconds(stat) {
  const fields = stat.split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
/** CPU seconds process `pid`'s main thread and its other threads (file writes, GC helpers) have used so far. */
function threadCpuSeconds(pid) {
  let main = 0;
  let others = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
    } catch {
      continue; // a thread that ended meanwhile
    }
    const seconds = statCpuSeconds(stat);
    if (task === String(pid)) main += seconds;
    else others += seconds;
  }
  return { main, others };
}
const clientCpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

const arg = (name, fallback) => (process.argv.includes(`--${name}`) ? Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) : fallback);
const MIB = arg('mib', 512);
const ROUNDS = arg('rounds', 5);
const PROFILE = process.argv.includes('--profile') ? path.resolve(process.argv[process.argv.indexOf('--profile') + 1]) : undefined;
const MiB = 1024 * 1024;

/** A playable MP4 of exactly `mib` MiB: a 4-second clip, then a `free` box of random bytes. */
function makeVideo(file, mib) {
  const clip = `${file}.clip.mp4`;
  const ffmpeg = apiRequire('@ffmpeg-installer/ffmpeg').path;
  execFileSync(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=360x640:rate=24', '-t', '4', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-y', clip]);
  const head = readFileSync(clip);
  rmSync(clip);
  const padding = mib * MiB - head.length;
  const fd = openSync(file, 'w');
  writeSync(fd, head);
  const box = Buffer.alloc(8);
  box.writeUInt32BE(padding, 0);
  box.write('free', 4, 'latin1');
  writeSync(fd, box);
  const block = randomBytes(MiB);
  for (let left = padding - 8; left > 0; left -= MiB) writeSync(fd, block, 0, Math.min(MiB, left));
  closeSync(fd);
}

const sha256Of = async (file) => {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: MiB })) hash.update(chunk);
  return hash.digest('hex');
};

/**
 * The baseline server, in its own process: PUT streams to a file through sha256; answers the digest.
 * It keeps the file, as the API keeps an upload's media (both are removed with the data directory
 * when the benchmark ends). PUT /discard deletes it before answering instead: the first baseline,
 * still timed beside the other for comparison. A file deleted at once never reaches the disk, and
 * the next transfer writes into the page-cache memory it just freed. A kept file's memory stays
 * taken, so each transfer writes into memory that sat free; on this virtual machine that costs the
 * writer 0.4–0.8 s more kernel time per 512 MiB (see afterItsOwnKind), a cost the API always paid.
 */
const BASELINE = `
const http = require('node:http'), fs = require('node:fs'), crypto = require('node:crypto'), { pipeline, Transform } = require('node:stream');
let n = 0;
http.createServer((req, res) => {
  const hash = crypto.createHash('sha256');
  const file = process.argv[1] + '/put-' + (n++);
  const tap = new Transform({ transform(chunk, _e, cb) { hash.update(chunk); cb(null, chunk); } });
  pipeline(req, tap, fs.createWriteStream(file), (err) => {
    if (err || req.url === '/discard') fs.rmSync(file, { force: true });
    if (err) { res.writeHead(500).end(String(err)); return; }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(hash.digest('hex'));
  });
}).listen(0, '127.0.0.1', function () { process.stdout.write(String(this.address().port) + '\\n'); });
`;

async function startBaseline(dir) {
  const child = spawn(process.execPath, ['-e', BASELINE, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve) => child.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', resolve), child.kill('SIGTERM')))) };
}

/** A hashed PUT of `file` to the baseline server; `discard` has it delete the file before answering. */
function hashedPut({ url, pid }, file, { discard = false } = {}) {
  const size = statSync(file).size;
  const serverCpu = cpuSeconds(pid);
  const clientCpu = clientCpuSeconds();
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/${discard ? 'discard' : ''}`, { method: 'PUT', headers: { 'content-length': size, 'content-type': 'application/octet-stream' } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        resolve({ sha256: body.trim(), seconds, mbPerSecond: size / 1e6 / seconds, serverCpu: cpuSeconds(pid) - serverCpu, clientCpu: clientCpuSeconds() - clientCpu });
      });
    });
    req.on('error', reject);
    sendFile(req, file).catch(reject);
  });
}

/**
 * Both clients read the file the same way: into two buffers made once and used in turn, each
 * reused only after the request has taken what it held. A client that allocates a fresh buffer
 * per read (a read stream) spends a fifth of its time collecting them, on the two cores the
 * servers use; a real client runs elsewhere. Reads `[start, end)` of `fd` in `piece`-byte reads.
 */
function turnTakingReader(fd, piece) {
  const buffers = [Buffer.allocUnsafe(piece), Buffer.allocUnsafe(piece)];
  let turn = 0;
  return (start, end) => {
    turn ^= 1;
    const value = buffers[turn].subarray(0, end - start);
    for (let at = 0; at < value.length; ) {
      const read = readSync(fd, value, at, value.length - at, start + at);
      if (read === 0) throw new Error(`the file ended at ${start + at} bytes`);
      at += read;
    }
    return value;
  };
}

/** The baseline client: the file in MiB writes, each buffer reused once the request has sent it. */
async function sendFile(req, file) {
  const fd = openSync(file, 'r');
  try {
    const size = statSync(file).size;
    const read = turnTakingReader(fd, MiB);
    const sent = [undefined, undefined];
    for (let at = 0, turn = 0; at < size; at += MiB, turn ^= 1) {
      await sent[turn];
      const piece = read(at, Math.min(size, at + MiB));
      sent[turn] = new Promise((resolve, reject) => req.write(piece, (err) => (err ? reject(err) : resolve())));
    }
    await Promise.all(sent);
    req.end();
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads `[start, end)` of `fd` into `buffer` without blocking the event loop (libuv's thread pool),
 * so a read overlaps the request being sent.
 */
async function readInto(fd, buffer, start, end) {
  const value = buffer.subarray(0, end - start);
  for (let at = 0; at < value.length; ) {
    const { bytesRead } = await new Promise((resolve, reject) => read(fd, value, at, value.length - at, start + at, (err, bytesRead) => (err ? reject(err) : resolve({ bytesRead }))));
    if (bytesRead === 0) throw new Error(`the file ended at ${start + at} bytes`);
    at += bytesRead;
  }
  return value;
}

/**
 * tus-js-client's file source for the bench: each chunk read whole into one of two buffers made
 * once, handed to the library whole, and the next chunk read into the other buffer while this one is
 * sent, as the baseline client reads its next MiB while the kernel sends the last. The library asks
 * for the next chunk only once the server has answered the PATCH before, so the buffer read into is
 * never one being sent. The bytes, requests and headers the server receives are the same as from the
 * library's own source (a read stream per chunk, 64 KiB reads), which reads each chunk only when it
 * is asked for, leaving the connection idle meanwhile (2 ms per 8 MiB here, 0.13 s per 512 MiB).
 */
const reusedChunkReads = {
  async openFile(input) {
    const { size } = statSync(input.path);
    const fd = openSync(input.path, 'r');
    let buffers;
    let turn = 0;
    /** The next chunk, being read into `buffers[turn]`: `{ start, stop, value }`. */
    let ahead;
    return {
      size,
      async slice(start, end) {
        const stop = Math.min(end, size);
        buffers ??= [Buffer.allocUnsafe(end - start), Buffer.allocUnsafe(end - start)];
        // A retry may ask for other bytes than those read ahead: the read must end before its buffer is reused.
        const next = await ahead?.value.catch(() => undefined);
        const bytes = ahead?.start === start && ahead.stop === stop && next ? next : await readInto(fd, buffers[turn], start, stop);
        turn ^= 1;
        ahead = stop < size ? { start: stop, stop: Math.min(size, stop + (end - start)), value: undefined } : undefined;
        if (ahead) ahead.value = readInto(fd, buffers[turn], ahead.start, ahead.stop);
        // As a stream of one chunk: the library writes a Buffer in pieces of the request's 16 KiB
        // high-water mark (a wait for 'drain' after each, 32,768 per 512 MiB), a stream as it comes.
        const value = Readable.from([bytes]);
        // The library reads a chunk's length from `size`.
        value.size = stop - start;
        return { value, done: stop >= size };
      },
      close: async () => {
        await ahead?.value.catch(() => undefined);
        closeSync(fd);
        input.destroy();
      },
    };
  },
};

/** tus upload of `file` to `episodeId` in `chunk`-byte PATCHes, timed until the media is READY. */
async function tusToReady(api, db, token, episodeId, file, chunk) {
  const size = statSync(file).size;
  const startRss = rssMiB(api.pid);
  let maxRss = startRss;
  const sampler = setInterval(() => (maxRss = Math.max(maxRss, rssMiB(api.pid))), 50);
  const apiCpu = cpuSeconds(api.pid);
  const apiThreads = threadCpuSeconds(api.pid);
  const clientCpu = clientCpuSeconds();
  const started = process.hrtime.bigint();
  await new Promise((resolve, reject) => {
    const upload = new tus.Upload(createReadStream(file), {
      endpoint: `${api.url}/uploads`,
      chunkSize: chunk,
      fileReader: reusedChunkReads,
      uploadSize: size,
      retryDelays: [0, 500],
      headers: { authorization: `Bearer ${token}` },
      metadata: { episodeId, filename: path.basename(file), filetype: 'video/mp4' },
      onError: reject,
      onSuccess: resolve,
    });
    upload.start();
  });
  const uploaded = Number(process.hrtime.bigint() - started) / 1e9;
  const clientCpuUsed = clientCpuSeconds() - clientCpu;
  let row;
  for (;;) {
    row = (await db.query(`select e.status, e.upload_error, m.sha256, m.poster_key from episode e left join media_revision m on m.id = e.current_media_id where e.id = $1`, [episodeId])).rows[0];
    if (row.status === 'READY' || row.upload_error) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  if (row.status !== 'READY') throw new Error(`upload did not become READY: ${row.upload_error}`);
  const serverCpu = cpuSeconds(api.pid) - apiCpu;
  const threads = threadCpuSeconds(api.pid);
  return { mainThreadCpu: threads.main - apiThreads.main, otherThreadsCpu: threads.others - apiThreads.others, seconds, uploaded, mbPerSecond: size / 1e6 / seconds, sha256: row.sha256, poster: Boolean(row.poster_key), maxRss, rssRise: maxRss - startRss, serverCpu, clientCpu: clientCpuUsed };
}

/**
 * Writes what earlier transfers left in the page cache to disk before the next is timed (untimed):
 * otherwise the kernel writes the previous transfer's 512 MiB back during the next one, and which
 * side pays for it depends on the order.
 */
const settleDisk = () => execFileSync('sync');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The fixed cost of a chunk: PATCHes of no bytes to one upload (authentication, rate limit, upload
 * check, lock, the library, the answer), one after another; API CPU and wall time per PATCH.
 */
async function emptyPatchCost(api, token, episodeId, count = 200) {
  const metadata = Object.entries({ episodeId, filename: 'empty.mp4', filetype: 'video/mp4' }).map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',');
  const created = await fetch(`${api.url}/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0', 'upload-length': String(MiB), 'upload-metadata': metadata } });
  if (created.status !== 201) throw new Error(`creating the upload: ${created.status} ${await created.text()}`);
  const target = new URL(created.headers.get('location'), api.url).href;
  const headers = { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' };
  const patch = async () => {
    const res = await fetch(target, { method: 'PATCH', headers, body: new Uint8Array(0) });
    if (res.status !== 204) throw new Error(`empty PATCH: ${res.status} ${await res.text()}`);
  };
  for (let i = 0; i < 30; i++) await patch();
  const cpu = cpuSeconds(api.pid);
  const started = performance.now();
  for (let i = 0; i < count; i++) await patch();
  return { cpuMs: ((cpuSeconds(api.pid) - cpu) * 1000) / count, wallMs: (performance.now() - started) / count };
}

// The rate limit is still counted on every request; its budget is raised for the empty PATCHes.
const api = await startApi({ UPLOAD_MAX_BYTES: String(4 * 1024 ** 3), USER_RATE_LIMIT_PER_MINUTE: '100000' }, { nodeArgs: PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : [] });
let baseline;
try {
  const token = await signIn(api, 'editor@crimsonreel.test');
  const db = await api.client();
  const studioId = (await api.gql('{ viewer { memberships { organization { id } } } }', {}, token)).viewer.memberships[0].organization.id;
  const series = await api.gql('mutation($s: ID!) { createSeries(studioId: $s, input: { title: "Upload benchmark", originalLanguage: "en" }) { id } }', { s: studioId }, token);
  const episodes = (await api.gql('mutation($i: AddEpisodesInput!) { addEpisodes(input: $i) { id } }', { i: { seriesId: series.createSeries.id, fromNumber: 1, toNumber: 3 + 4 * ROUNDS } }, token)).addEpisodes.map((e) => e.id);
  const idleRss = rssMiB(api.pid);

  const smallFile = path.join(api.dataDir, 'bench-64.mp4');
  const largeFile = path.join(api.dataDir, `bench-${MIB}.mp4`);
  makeVideo(smallFile, 64);
  makeVideo(largeFile, MIB);
  const expected = await sha256Of(largeFile);
  baseline = await startBaseline(api.dataDir);

  // Untimed, one transfer of the large file each way first: both servers are fresh processes, and
  // the API's first large uploads ran 20–30% slower than the later ones (its heap and buffers still
  // growing); a server is measured as it runs, warm.
  await hashedPut(baseline, largeFile);
  await tusToReady(api, db, token, episodes[0], largeFile, 8 * MiB);
  // Memory flat in file size: how far the API's RSS rises during an upload, from where it stood when
  // the upload began to its peak, for 64 MiB and for each 512 MiB upload below. The RSS between
  // uploads creeps up by a few MiB each until V8's next full collection whatever the files' sizes,
  // so peaks of uploads made at different times would compare the times, not the sizes.
  const small = await tusToReady(api, db, token, episodes[1], smallFile, 8 * MiB);
  if (small.sha256 !== (await sha256Of(smallFile))) throw new Error('the 64 MiB upload stored a different sha256');
  const rounds = [];
  let episode = 3;
  // Each timed transfer follows an untimed one of its own kind, as on a server taking upload after
  // upload. This virtual machine appears to hand memory that sits free even a moment back to its host:
  // the next file written into it costs its writer far more kernel time (perf puts it in the copy into
  // new page-cache pages): a 512 MiB tus upload started right after another took its API 0.1–0.2 s of
  // system CPU in the threads writing the file, and 0.5–0.8 s after a pause of half a second to 12 s
  // or after the other server's transfer. With the rounds' old order (baseline, 8 MiB, 32 MiB) the
  // 8 MiB upload always came after the baseline's and paid most (0.56 of the baseline; 0.68 with the
  // two tus sizes swapped, where 32 MiB fell from 0.91 to 0.71). An untimed transfer of the same kind
  // first takes the worst of it, though not all: which timed transfer still meets such memory varies.
  const afterItsOwnKind = async (transfer) => {
    settleDisk();
    const untimed = await transfer();
    settleDisk();
    const timed = await transfer();
    for (const r of [untimed, timed]) if (r.sha256 !== expected) throw new Error(`sha256 ${r.sha256} differs from the file's ${expected}`);
    return timed;
  };
  for (let round = 0; round < ROUNDS; round++) {
    const put = await afterItsOwnKind(() => hashedPut(baseline, largeFile));
    const eight = await afterItsOwnKind(() => tusToReady(api, db, token, episodes[episode++], largeFile, 8 * MiB));
    const thirtyTwo = await afterItsOwnKind(() => tusToReady(api, db, token, episodes[episode++], largeFile, 32 * MiB));
    const discarded = await afterItsOwnKind(() => hashedPut(baseline, largeFile, { discard: true }));
    rounds.push({ put, eight, thirtyTwo, discarded });
  }
  const empty = await emptyPatchCost(api, token, episodes[2]);

  const f = (r) => `${r.mbPerSecond.toFixed(1).padStart(7)} MB/s  ${r.seconds.toFixed(2).padStart(6)} s  CPU server ${r.serverCpu.toFixed(2)} s, client ${r.clientCpu.toFixed(2)} s`;
  console.log(`upload benchmark (loopback, local file store, ${MIB} MiB real video, ${ROUNDS} rounds)`);
  console.log(`  machine: ${machine()}`);
  for (const [i, r] of rounds.entries()) {
    console.log(`  round ${i + 1}`);
    console.log(`    hashed PUT (baseline)       ${f(r.put)}`);
    console.log(`    hashed PUT, file deleted    ${f(r.discarded)}`);
    console.log(`    tus 8 MiB chunks → READY    ${f(r.eight)}   (last byte after ${r.eight.uploaded.toFixed(2)} s)   ratio ${(r.eight.mbPerSecond / r.put.mbPerSecond).toFixed(2)}`);
    console.log(`    tus 32 MiB chunks → READY   ${f(r.thirtyTwo)}   (last byte after ${r.thirtyTwo.uploaded.toFixed(2)} s)   ratio ${(r.thirtyTwo.mbPerSecond / r.put.mbPerSecond).toFixed(2)}`);
  }
  const ratio = (size, base) => median(rounds.map((r) => r[size].mbPerSecond / r[base].mbPerSecond)).toFixed(2);
  console.log(`  median ratio to the baseline: 8 MiB chunks ${ratio('eight', 'put')}, 32 MiB chunks ${ratio('thirtyTwo', 'put')}; baseline median ${median(rounds.map((r) => r.put.mbPerSecond)).toFixed(0)} MB/s`);
  console.log(`  median ratio to the PUT that deletes its file at once: 8 MiB chunks ${ratio('eight', 'discarded')}, 32 MiB chunks ${ratio('thirtyTwo', 'discarded')}; its median ${median(rounds.map((r) => r.discarded.mbPerSecond)).toFixed(0)} MB/s`);
  const cpu = (pick, side) => median(rounds.map((r) => pick(r)[side])).toFixed(2);
  console.log(`  median CPU per upload (s): server — baseline ${cpu((r) => r.put, 'serverCpu')} (file deleted: ${cpu((r) => r.discarded, 'serverCpu')}), tus 8 MiB ${cpu((r) => r.eight, 'serverCpu')} (to READY), tus 32 MiB ${cpu((r) => r.thirtyTwo, 'serverCpu')}; client — baseline ${cpu((r) => r.put, 'clientCpu')}, tus 8 MiB ${cpu((r) => r.eight, 'clientCpu')}, tus 32 MiB ${cpu((r) => r.thirtyTwo, 'clientCpu')}`);
  console.log(`  median API CPU per upload by thread (s): main — tus 8 MiB ${cpu((r) => r.eight, 'mainThreadCpu')}, 32 MiB ${cpu((r) => r.thirtyTwo, 'mainThreadCpu')}; others (file writes, garbage collection) — 8 MiB ${cpu((r) => r.eight, 'otherThreadsCpu')}, 32 MiB ${cpu((r) => r.thirtyTwo, 'otherThreadsCpu')}`);
  console.log(`  PATCH of no bytes (200, one after another): API CPU ${empty.cpuMs.toFixed(2)} ms, wall ${empty.wallMs.toFixed(2)} ms per request`);
  console.log(`  sha256 of every stored revision equals the file's: true; poster made: ${rounds.every((r) => r.eight.poster && r.thirtyTwo.poster)}`);
  const large = Math.max(...rounds.map((r) => r.eight.maxRss));
  const largeRise = median(rounds.map((r) => r.eight.rssRise));
  console.log(`  API memory (RSS)             idle ${idleRss.toFixed(0)} MiB; peak ${large.toFixed(0)} MiB; rise during an upload (8 MiB chunks): 64 MiB ${small.rssRise.toFixed(0)} MiB, ${MIB} MiB ${largeRise.toFixed(0)} MiB (median; rounds ${rounds.map((r) => r.eight.rssRise.toFixed(0)).join(', ')})`);
} finally {
  await baseline?.stop();
  await api.stop();
}
