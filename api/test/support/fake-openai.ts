import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the OpenAI API on loopback, speaking its wire format to the real `openai` client:
 * `/v1/moderations` (text and image inputs), `/v1/chat/completions` (json_schema output) and
 * `/v1/audio/transcriptions` (a multipart upload in; `verbose_json` with timed segments, `json` or
 * `text` out — the segments are what `transcript` holds, the fake cannot hear).
 * Answers are deterministic (keyword tables below); faults can be queued per endpoint. A `partial`
 * answer is well formed but does not cover everything asked: moderation answers `results: []`, the
 * policy check leaves out the last territory it was asked about, a translation its last cue.
 * Subtitle translation (`response_format.json_schema.name` = `subtitle_translation`) answers every cue
 * as `[<target tag>] <source text>`.
 */
export type Fault =
  | { status: number; retryAfterSeconds?: number; body?: string }
  | { hang: true }
  | { malformed: true }
  | { partial: true }
  // Translation answers that are well-formed JSON but wrong: cues swapped, a cue added, content that is not JSON.
  | { reordered: true }
  | { extraCue: true }
  | { notJson: true }
  // A translation whose every cue text ends with this (markup a model might write).
  | { markup: string }
  // Answered as usual (to let a later fault hit a later request).
  | { ok: true };

const CATEGORIES = ['harassment', 'harassment/threatening', 'hate', 'hate/threatening', 'illicit', 'illicit/violent', 'self-harm', 'self-harm/intent', 'self-harm/instructions', 'sexual', 'sexual/minors', 'violence', 'violence/graphic'];

/** Words that score high in a moderation category. */
const TEXT_SIGNALS: Array<[RegExp, string, number]> = [
  [/\bkill\b|\bmurder\b/i, 'violence', 0.93],
  [/\bnaked\b|\bnude\b/i, 'sexual', 0.88],
  [/\bhate you people\b/i, 'hate', 0.8],
];

/** What the fake policy model "knows": a phrase in a cue means a breach of a rule in a territory. */
const POLICY_SIGNALS: Array<[RegExp, string, string, string]> = [
  [/\bwhisk(e)?y\b|\bwine\b|\bchampagne\b/i, 'SA', 'SA-ALCOHOL-01', 'Characters drink alcohol on screen.'],
  [/\bwhisk(e)?y\b|\bwine\b|\bchampagne\b/i, 'AE', 'AE-ALCOHOL-01', 'Alcohol is shown approvingly.'],
  [/\bcasino\b/i, 'ID', 'ID-GAMBLING-01', 'A casino scene glamorises gambling.'],
  [/\binvented rule\b/i, 'SA', 'SA-MADE-UP-99', 'A citation of a rule that does not exist.'],
];

export interface RecordedRequest {
  path: string;
  body: Record<string, unknown>;
  authorization?: string;
}

export class FakeOpenAi {
  readonly requests: RecordedRequest[] = [];
  /** Added to every answer, to simulate a slow provider. */
  latencyMs = 0;
  flagImages = false;
  /** What the fake "hears" in any audio it is sent. */
  transcript: Array<{ start: number; end: number; text: string }> = [
    { start: 0.2, end: 1.1, text: ' Where were you last night?' },
    { start: 1.2, end: 1.9, text: ' I will kill him.' },
  ];
  private readonly faults: Record<string, Fault[]> = { '/v1/moderations': [], '/v1/chat/completions': [], '/v1/audio/transcriptions': [] };
  private readonly hanging = new Set<http.ServerResponse>();
  private server?: http.Server;
  url = '';

  /** Listens on loopback, on `port` (any free one by default). */
  async start(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', resolve);
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Queues faults answered, in order, to the next requests on `path`. */
  inject(path: '/v1/moderations' | '/v1/chat/completions' | '/v1/audio/transcriptions', ...faults: Fault[]): void {
    this.faults[path]!.push(...faults);
  }

  /** Every request fails with `fault` until `clearFaults`. */
  failAlways(fault: Fault): void {
    for (const path of Object.keys(this.faults)) this.faults[path] = Array.from({ length: 10_000 }, () => fault);
  }

  clearFaults(): void {
    for (const path of Object.keys(this.faults)) this.faults[path] = [];
  }

  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const path = (req.url ?? '').split('?')[0]!;
    const type = req.headers['content-type'] ?? '';
    const body = type.startsWith('multipart/form-data') ? await multipartFields(raw, type) : raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
    this.requests.push({ path, body, authorization: req.headers.authorization });
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
    const fault = this.faults[path]?.shift();
    if (fault && 'hang' in fault) {
      this.hanging.add(res);
      return;
    }
    const partial = Boolean(fault && 'partial' in fault);
    const translationFault = fault && ('reordered' in fault || 'extraCue' in fault || 'notJson' in fault || 'markup' in fault) ? fault : undefined;
    if (fault && 'malformed' in fault) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": "broken", "choices": [');
      return;
    }
    if (fault && 'status' in fault) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      res.writeHead(fault.status, headers).end(fault.body ?? JSON.stringify({ error: { message: `injected ${fault.status}`, type: 'server_error', code: null } }));
      return;
    }
    if (path === '/v1/moderations') return this.moderations(body, res, partial);
    if (path === '/v1/chat/completions' && (body.response_format as { json_schema?: { name?: string } } | undefined)?.json_schema?.name === 'subtitle_translation') return this.translation(body, res, partial, translationFault);
    if (path === '/v1/chat/completions') return this.chat(body, res, partial);
    if (path === '/v1/audio/transcriptions') return this.transcription(body, res, partial);
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
  }

  /** As the endpoint answers: 400 without a model or an audio file; segments only in verbose_json. */
  private transcription(body: Record<string, unknown>, res: http.ServerResponse, partial: boolean): void {
    const file = body.file as UploadedFile | undefined;
    if (typeof body.model !== 'string' || !file?.bytes || !file.isMp3) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Invalid file format or missing model.', type: 'invalid_request_error', param: 'file', code: null } }));
      return;
    }
    const segments = this.transcript.map((s, id) => ({ id, seek: 0, start: s.start, end: s.end, text: s.text, tokens: [1, 2, 3], temperature: 0, avg_logprob: -0.2, compression_ratio: 1.1, no_speech_prob: 0.01 }));
    const text = this.transcript.map((s) => s.text.trim()).join(' ');
    const format = body.response_format ?? 'json';
    if (format === 'text') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(text);
      return;
    }
    // `partial`: an answer without the segments verbose_json promises.
    const answer = format === 'verbose_json' ? { task: 'transcribe', language: String(body.language ?? 'english'), duration: Math.max(0, ...this.transcript.map((s) => s.end)), text, ...(partial ? {} : { segments }) } : { text };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  }

  private moderations(body: Record<string, unknown>, res: http.ServerResponse, partial: boolean): void {
    const input = body.input;
    const items: Array<{ text?: string; image?: boolean }> = typeof input === 'string' ? [{ text: input }] : Array.isArray(input) && input.every((i) => typeof i === 'string') ? input.map((text: string) => ({ text })) : [{ image: true }];
    const results = items.map((item) => {
      const scores = Object.fromEntries(CATEGORIES.map((c) => [c, 0.001]));
      if (item.text) for (const [pattern, category, score] of TEXT_SIGNALS) if (pattern.test(item.text)) scores[category] = score;
      if (item.image && this.flagImages) scores['violence/graphic'] = 0.91;
      const categories = Object.fromEntries(CATEGORIES.map((c) => [c, scores[c]! > 0.5]));
      return {
        flagged: Object.values(categories).some(Boolean),
        categories,
        category_scores: scores,
        category_applied_input_types: Object.fromEntries(CATEGORIES.map((c) => [c, item.image ? ['image'] : ['text']])),
      };
    });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `modr-${this.requests.length}`, model: body.model, results: partial ? [] : results }));
  }

  /** The user message is JSON `{ from, to, cues: [{ id, text }] }`; the answer has one text per cue id. */
  private translation(body: Record<string, unknown>, res: http.ServerResponse, partial: boolean, fault?: Fault): void {
    const messages = body.messages as Array<{ role: string; content: string }>;
    const asked = JSON.parse(messages.find((m) => m.role === 'user')?.content ?? '{}') as { to: string; cues: Array<{ id: string; text: string }> };
    let cues = asked.cues.map((cue) => ({ id: cue.id, text: `[${asked.to}] ${cue.text}` }));
    if (partial) cues = cues.slice(0, -1);
    if (fault && 'reordered' in fault && cues.length > 1) cues = [cues[1]!, cues[0]!, ...cues.slice(2)];
    if (fault && 'markup' in fault) cues = cues.map((cue) => ({ ...cue, text: `${cue.text} ${fault.markup}` }));
    if (fault && 'extraCue' in fault) cues.push({ id: String(cues.length + 1000), text: 'An invented line.' });
    const content = fault && 'notJson' in fault ? 'Sure! Here are your subtitles: …' : JSON.stringify({ cues });
    this.completion(body, res, content);
  }

  private completion(body: Record<string, unknown>, res: http.ServerResponse, content: string): void {
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: `chatcmpl-${this.requests.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
        usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
      }),
    );
  }

  private chat(body: Record<string, unknown>, res: http.ServerResponse, partial: boolean): void {
    const messages = body.messages as Array<{ role: string; content: string }>;
    const user = messages.find((m) => m.role === 'user')?.content ?? '';
    const territories = (/^Territories: (.*)$/m.exec(user)?.[1] ?? '').split(', ');
    const findings: Array<{ territory: string; ruleId: string; severity: string; explanation: string; cueStart: number | null }> = [];
    for (const line of user.split('\n')) {
      const cue = /^\[([\d.]+)s [^\]]+\] (.*)$/.exec(line);
      const text = cue ? cue[2]! : line;
      for (const [pattern, territory, ruleId, explanation] of POLICY_SIGNALS) {
        if (territories.includes(territory) && pattern.test(text)) findings.push({ territory, ruleId, severity: 'HIGH', explanation, cueStart: cue ? Number(cue[1]) : null });
      }
    }
    // One entry per territory asked about, as the response schema requires.
    const answered = (partial ? territories.slice(0, -1) : territories).map((territory) => ({
      territory,
      findings: findings.filter((f) => f.territory === territory).map(({ ruleId, severity, explanation, cueStart }) => ({ ruleId, severity, explanation, cueStart })),
    }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: `chatcmpl-${this.requests.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify({ territories: answered }), refusal: null }, finish_reason: 'stop', logprobs: null }],
        usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
      }),
    );
  }
}

/** A file part of a multipart upload, as the fake records it. */
export interface UploadedFile {
  name: string;
  type: string;
  bytes: number;
  /** Starts like an MP3 (an ID3 tag or an MPEG audio frame). */
  isMp3: boolean;
}

/** The fields of a multipart/form-data body (parsed by the platform's own Request), files summarised. */
async function multipartFields(raw: Buffer, contentType: string): Promise<Record<string, unknown>> {
  const form = await new Request('http://fake.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(raw) }).formData();
  const fields: Record<string, unknown> = {};
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') {
      fields[name] = name.endsWith('[]') ? [...((fields[name] as string[] | undefined) ?? []), value] : value;
    } else {
      const bytes = Buffer.from(await value.arrayBuffer());
      const file: UploadedFile = { name: value.name, type: value.type, bytes: bytes.length, isMp3: bytes.subarray(0, 3).toString('latin1') === 'ID3' || (bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0) };
      fields[name] = file;
    }
  }
  return fields;
}
