import type { lookup } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { checkedLookup, connectionFailure, isPublicAddress, OutboundAddressRefused, refusalOfUrl } from './outbound-address';

const strict = { allowPrivateTargets: false, requireHttps: false };

/** A resolver that answers `answers[n]` on its n-th call, as a rebinding DNS server would. */
function rebinding(...answers: string[][]): typeof lookup {
  let call = 0;
  return ((_host: string, _options: unknown, callback: (e: null, a: Array<{ address: string; family: number }>) => void) => {
    const list = answers[Math.min(call++, answers.length - 1)]!;
    callback(null, list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  }) as unknown as typeof lookup;
}

function resolveThrough(fn: ReturnType<typeof checkedLookup>): Promise<{ error: Error | null; address: string }> {
  return new Promise((resolve) => fn('partner.example', {}, (error, address) => resolve({ error, address: address as string })));
}

describe('outbound address policy', () => {
  it('passes public unicast addresses only', () => {
    expect(isPublicAddress('93.184.215.14')).toBe(true);
    expect(isPublicAddress('2606:4700::1111')).toBe(true);
    for (const address of ['127.0.0.1', '::1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '224.0.0.1', '0.0.0.0', '::', '::ffff:10.0.0.1', 'fc00::1', 'fe80::1', '64:ff9b::a00:1', 'not-an-address']) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });

  it('refuses IPv6 outside global unicast: the IPv4-compatible ::/96 (::127.0.0.1), ::/8 and the discard prefix', () => {
    for (const address of ['::127.0.0.1', '::7f00:1', '::10.0.0.1', '::8.8.8.8', '::2', '100::1', '2001:db8::1']) expect(isPublicAddress(address), address).toBe(false);
    expect(refusalOfUrl('http://[::127.0.0.1]:4799/', strict)).toMatch(/private/);
  });

  it('drops a name\'s trailing dots before comparing it: localhost. is localhost', () => {
    for (const url of ['http://localhost./', 'http://LOCALHOST..:4000/', 'http://api.localhost./']) expect(refusalOfUrl(url, strict), url).toMatch(/this machine/);
    expect(refusalOfUrl('https://partner.example./hooks', strict)).toBeNull();
  });

  it('a failed connection is told by its kind only, never by the system message that names the address', () => {
    const unreachable = Object.assign(new Error('connect EHOSTUNREACH ::127.0.0.1:4799'), { code: 'EHOSTUNREACH' });
    expect(connectionFailure(Object.assign(new TypeError('fetch failed'), { cause: unreachable }))).toBe('Could not connect.');
    expect(connectionFailure(Object.assign(new Error('getaddrinfo ENOTFOUND hooks.internal'), { code: 'ENOTFOUND' }))).toBe('Could not connect: the host name does not resolve.');
  });

  it('requires https when asked to (production) and refuses credentials in the URL', () => {
    expect(refusalOfUrl('http://partner.example/hooks', { ...strict, requireHttps: true })).toMatch(/https/);
    expect(refusalOfUrl('https://user:pw@partner.example/hooks', strict)).toMatch(/credentials/);
    expect(refusalOfUrl('https://partner.example/hooks', { ...strict, requireHttps: true })).toBeNull();
  });

  it('lets private targets through only with the explicit development setting', () => {
    expect(refusalOfUrl('http://127.0.0.1:4000/hooks', strict)).not.toBeNull();
    expect(refusalOfUrl('http://127.0.0.1:4000/hooks', { ...strict, allowPrivateTargets: true })).toBeNull();
  });

  it('refuses a name when any address it resolves to is private', async () => {
    const result = await resolveThrough(checkedLookup(strict, rebinding(['93.184.215.14', '10.0.0.1'])));
    expect(result.error).toBeInstanceOf(OutboundAddressRefused);
  });

  it('hands the connection the address it checked, each time it resolves (rebinding cannot switch it afterwards)', async () => {
    const guarded = checkedLookup(strict, rebinding(['93.184.215.14'], ['127.0.0.1']));
    expect(await resolveThrough(guarded)).toEqual({ error: null, address: '93.184.215.14' });
    expect((await resolveThrough(guarded)).error).toBeInstanceOf(OutboundAddressRefused);
  });
});
