import net from 'node:net';

/**
 * Bytes written as they are on a fresh connection to `url`'s server (`parts` `gapMs` apart, framing
 * and all, as no HTTP client would send them); what came back once the server closed the connection
 * or `waitMs` passed, and after how long it closed (null: it did not).
 */
export function rawExchange(url: string, parts: string[], { gapMs = 0, waitMs = 10_000 } = {}): Promise<{ text: string; closedAfterMs: number | null }> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    const started = Date.now();
    let text = '';
    let settled = false;
    const done = (closed: boolean) => {
      if (settled) return;
      settled = true;
      resolve({ text, closedAfterMs: closed ? Date.now() - started : null });
      socket.destroy();
    };
    socket.on('data', (c: Buffer) => (text += c.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => done(true));
    parts.forEach((p, i) => setTimeout(() => !socket.destroyed && socket.write(p), i * gapMs));
    setTimeout(() => done(false), waitMs);
  });
}

/** The status codes of every answer in `text`, in order. */
export const statusesOf = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]);
