import { describe, expect, it } from 'vitest';
import { isPdf } from './pdf';

describe('isPdf', () => {
  it('accepts bytes that start with a PDF header', () => {
    expect(isPdf(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n'))).toBe(true);
    expect(isPdf(Buffer.from('%PDF-2.0\n'))).toBe(true);
  });

  it('refuses other files, whatever they are called', () => {
    expect(isPdf(Buffer.from('PK\u0003\u0004 a zip or a docx'))).toBe(false);
    expect(isPdf(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(false);
    expect(isPdf(Buffer.from(' %PDF-1.7 after a space'))).toBe(false);
    expect(isPdf(Buffer.from('%PDF-'))).toBe(false);
    expect(isPdf(Buffer.alloc(0))).toBe(false);
  });
});
