import { describe, expect, it } from 'vitest';
import { ChunkPool } from './chunk-pool';

describe('ChunkPool', () => {
  it('hands a buffer back out once it is given back, whole even when a view of it was given', () => {
    const pool = new ChunkPool(1024, 4);
    const first = pool.take();
    expect(first.length).toBe(1024);
    pool.give(first.subarray(0, 10));
    expect(pool.take()).toBe(first);
    expect(pool.madeCount).toBe(1);
  });

  it('hands no buffer to two takers: one given back twice is kept once', () => {
    const pool = new ChunkPool(1024, 4);
    const chunk = pool.take();
    pool.give(chunk);
    pool.give(chunk.subarray(5));
    const a = pool.take();
    const b = pool.take();
    expect(a).toBe(chunk);
    expect(b).not.toBe(chunk);
    expect(pool.madeCount).toBe(2);
  });

  it('keeps only buffers it made, and no more than it was told to keep', () => {
    const pool = new ChunkPool(1024, 1);
    pool.give(Buffer.alloc(1024));
    pool.give(new Uint8Array(1024));
    const taken = pool.take();
    expect(pool.madeCount).toBe(1);
    const other = pool.take();
    pool.give(taken);
    pool.give(other);
    expect(pool.take()).toBe(taken);
    expect(pool.take()).not.toBe(other);
    expect(pool.madeCount).toBe(3);
  });
});
