// Upload throughput over loopback: a 512 MiB file through tus (8 MiB chunks) against `cp` of the
// same file on the same disk, measured in the same run, with the API's memory while it happens.
// A 64 MiB upload runs first so the report shows whether memory grows with file size.
//   node bench/upload.mjs [--mib 512]
import { execFileSync } from 'node:child_process';
import { createReadStream, openSync, closeSync, writeSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import * as tus from 'tus-js-client';
import { peakRssMiB, rssMiB, signIn, startApi } from './lib.mjs';

const argMib = Number(process.argv[process.argv.indexOf('--mib') + 1]) || 512;
const CHUNK = 8 * 1024 * 1024;

function makeFile(file, mib) {
  const fd = openSync(file, 'w');
  const block = randomBytes(1024 * 1024);
  for (let i = 0; i < mib; i++) writeSync(fd, block);
  closeSync(fd);
}

async function tusUpload(api, token, episodeId, file) {
  const size = statSync(file).size;
  let maxRss = 0;
  const sampler = setInterval(() => (maxRss = Math.max(maxRss, rssMiB(api.pid))), 50);
  const started = process.hrtime.bigint();
  await new Promise((resolve, reject) => {
    const upload = new tus.Upload(createReadStream(file), {
      endpoint: `${api.url}/uploads`,
      chunkSize: CHUNK,
      uploadSize: size,
      retryDelays: [0, 500],
      headers: { authorization: `Bearer ${token}` },
      // Random bytes are not a video: processing will reject them after the upload, which is
      // outside what this measures.
      metadata: { episodeId, filename: path.basename(file), filetype: 'video/mp4' },
      onError: reject,
      onSuccess: resolve,
    });
    upload.start();
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  return { mbPerSecond: size / 1e6 / seconds, seconds, maxRss };
}

function copy(file) {
  const target = `${file}.copy`;
  const started = process.hrtime.bigint();
  execFileSync('cp', [file, target]);
  execFileSync('sync');
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rmSync(target);
  return { mbPerSecond: statSync(file).size / 1e6 / seconds, seconds };
}

const api = await startApi({ UPLOAD_MAX_BYTES: String(4 * 1024 ** 3) });
try {
  const token = await signIn(api, 'editor@crimsonreel.test');
  const studioId = (await api.gql('{ viewer { memberships { organization { id } } } }', {}, token)).viewer.memberships[0].organization.id;
  const series = await api.gql('mutation($s: ID!) { createSeries(studioId: $s, input: { title: "Upload benchmark", originalLanguage: "en" }) { id } }', { s: studioId }, token);
  const added = await api.gql('mutation($i: AddEpisodesInput!) { addEpisodes(input: $i) { id } }', { i: { seriesId: series.createSeries.id, fromNumber: 1, toNumber: 2 } }, token);
  const [small, large] = added.addEpisodes.map((e) => e.id);
  const idleRss = rssMiB(api.pid);

  const smallFile = path.join(api.dataDir, 'bench-64.mp4');
  const largeFile = path.join(api.dataDir, `bench-${argMib}.mp4`);
  makeFile(smallFile, 64);
  makeFile(largeFile, argMib);

  const s = await tusUpload(api, token, small, smallFile);
  const l = await tusUpload(api, token, large, largeFile);
  const c = copy(largeFile);

  console.log(`upload benchmark (loopback, ${CHUNK / 1024 / 1024} MiB chunks, local file store)`);
  console.log(`  cp ${argMib} MiB (+sync)        ${c.mbPerSecond.toFixed(1).padStart(8)} MB/s   ${c.seconds.toFixed(2)} s`);
  console.log(`  tus ${argMib} MiB               ${l.mbPerSecond.toFixed(1).padStart(8)} MB/s   ${l.seconds.toFixed(2)} s`);
  console.log(`  tus 64 MiB                ${s.mbPerSecond.toFixed(1).padStart(8)} MB/s   ${s.seconds.toFixed(2)} s`);
  console.log(`  ratio tus/cp              ${(l.mbPerSecond / c.mbPerSecond).toFixed(2).padStart(8)}`);
  console.log(`  API memory (RSS)          idle ${idleRss.toFixed(0)} MiB, during 64 MiB ${s.maxRss.toFixed(0)} MiB, during ${argMib} MiB ${l.maxRss.toFixed(0)} MiB, peak ever ${peakRssMiB(api.pid).toFixed(0)} MiB`);
  console.log(`  memory growth 64→${argMib} MiB  ${(l.maxRss - s.maxRss).toFixed(0)} MiB`);
} finally {
  await api.stop();
}
