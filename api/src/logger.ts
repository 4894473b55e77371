import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; secrets never reach them (see `redact`). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'greenlight-api' },
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.token'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
