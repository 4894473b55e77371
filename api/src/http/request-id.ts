import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

/** A caller's X-Request-Id is kept only if it is short and plain; anything else gets a fresh id. */
const ACCEPTABLE = /^[A-Za-z0-9._-]{8,64}$/;

export const requestId: RequestHandler = (req, res, next) => {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && ACCEPTABLE.test(given) ? given : randomUUID();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
};
