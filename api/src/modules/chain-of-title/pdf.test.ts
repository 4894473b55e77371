import { describe, expect, it } from 'vitest';
import { isPdf, pdfFileName } from './pdf';

describe('isPdf', () => {
  it('accepts bytes with a PDF header and an %%EOF marker near the end', () => {
    expect(isPdf(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\nendobj\ntrailer\n%%EOF\n'))).toBe(true);
    expect(isPdf(Buffer.from('%PDF-2.0\n%%EOF'))).toBe(true);
    expect(isPdf(Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(5000, 0x20), Buffer.from('%%EOF\r\n')]))).toBe(true);
  });

  it('refuses other files, whatever they are called', () => {
    expect(isPdf(Buffer.from('PK\u0003\u0004 a zip or a docx'))).toBe(false);
    expect(isPdf(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(false);
    expect(isPdf(Buffer.from(' %PDF-1.7 after a space\n%%EOF'))).toBe(false);
    expect(isPdf(Buffer.from('%PDF-'))).toBe(false);
    expect(isPdf(Buffer.alloc(0))).toBe(false);
  });

  it('refuses a bare header, or a header followed by something else (HTML) without the %%EOF marker near the end', () => {
    expect(isPdf(Buffer.from('%PDF-1.7'))).toBe(false);
    expect(isPdf(Buffer.from('%PDF-1.7\n<html><script>alert(1)</script></html>'))).toBe(false);
    expect(isPdf(Buffer.concat([Buffer.from('%PDF-1.7\n%%EOF\n'), Buffer.alloc(2000, 0x41)]))).toBe(false);
  });
});

describe('pdfFileName', () => {
  it('makes a stored name end in .pdf', () => {
    expect(pdfFileName('agreement.pdf')).toBe('agreement.pdf');
    expect(pdfFileName('AGREEMENT.PDF')).toBe('AGREEMENT.PDF');
    expect(pdfFileName('evil.html')).toBe('evil.html.pdf');
    expect(pdfFileName('contract')).toBe('contract.pdf');
  });
});
