import { randomUUID } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const newId = (): string => randomUUID();

/** Ids arrive from clients; anything that is not a UUID cannot name a row, so treat it as not found. */
export const isId = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
