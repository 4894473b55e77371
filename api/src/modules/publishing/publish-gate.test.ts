import { describe, expect, it } from 'vitest';
import type { LocalizationRequirement } from '../catalog/localization';
import { AiContentElement } from '../ai-disclosure/ai-content';
import { nextGateBoundary, publishGate, type GateInput } from './publish-gate';

const at = new Date('2026-06-01T00:00:00Z');
const ready = (): GateInput => ({
  episode: { number: 3, status: 'APPROVED', materialDigest: 'a'.repeat(64), mediaSha256: 'c'.repeat(64) },
  approval: { approvedTerritories: ['US', 'CA'], materialDigest: 'a'.repeat(64), mediaSha256: 'c'.repeat(64), invalidatedAt: null, decidedBy: ['reviewer@example.com'] },
  license: { territoriesIncluded: ['US', 'CA'], territoriesExcluded: [], windowStart: new Date('2026-01-01'), windowEnd: new Date('2027-01-01'), holdbacks: [] },
  series: { freeEpisodeCount: 0, defaultCoinPrice: 60, archived: false },
  studioSuspended: false,
  partnerSuspended: false,
  terms: [],
  partnerTerritories: ['US', 'CA'],
  releaseAt: new Date('2026-05-01T00:00:00Z'),
  localization: { offer: { audio: ['en'], subtitles: [] }, requirementFor: () => null },
  aiContent: { elements: [], label: null, disclosure: null },
});
const SPANISH_IN_MX: LocalizationRequirement = { id: 'MX-LOCALIZATION-01', description: 'Spanish audio or subtitles.', languages: ['es'], accepts: ['AUDIO', 'SUBTITLES'] };
const codes = (input: GateInput, territory = 'US', when = at) => publishGate(input, territory, when).reasons.map((r) => r.code);

describe('the publish gate', () => {
  it('is live when every condition holds, priced for the territory', () => {
    const result = publishGate(ready(), 'US', at);
    expect(result.live).toBe(true);
    expect(result.price).toMatchObject({ coins: 60, rule: 'SERIES_DEFAULT' });
  });

  const matrix: Array<[string, (g: GateInput) => void, string]> = [
    ['no human approval for the territory', (g) => (g.approval!.approvedTerritories = ['CA']), 'NOT_APPROVED'],
    ['no decided case at all', (g) => (g.approval = null), 'NOT_APPROVED'],
    ['an approval of other reviewed material', (g) => (g.episode.materialDigest = 'b'.repeat(64)), 'APPROVAL_STALE'],
    ['an approval whose case screened another video than the one now current', (g) => (g.approval!.mediaSha256 = 'd'.repeat(64)), 'APPROVAL_STALE'],
    ['an approval invalidated by changed text', (g) => (g.approval!.invalidatedAt = new Date('2026-05-20')), 'APPROVAL_STALE'],
    ['a license that does not cover the territory', (g) => (g.license!.territoriesIncluded = ['CA']), 'NOT_LICENSED'],
    ['a license window that has ended', (g) => (g.license!.windowEnd = new Date('2026-05-31')), 'NOT_LICENSED'],
    ['a holdback that applies', (g) => (g.license!.holdbacks = [{ territory: 'US', until: '2026-07-01T00:00:00.000Z' }]), 'NOT_LICENSED'],
    ['no price for the episode', (g) => (g.series = { freeEpisodeCount: 0, defaultCoinPrice: null, archived: false }), 'NO_PRICE'],
    ['not released to this partner', (g) => (g.releaseAt = null), 'NOT_RELEASED'],
    ['a release scheduled later', (g) => (g.releaseAt = new Date('2026-06-02T00:00:00Z')), 'RELEASE_SCHEDULED'],
    ['a takedown', (g) => (g.episode.status = 'TAKEN_DOWN'), 'TAKEN_DOWN'],
    ['a territory the partner does not serve', (g) => (g.partnerTerritories = ['CA']), 'TERRITORY_NOT_SERVED'],
    ['an archived series', (g) => (g.series.archived = true), 'SERIES_ARCHIVED'],
    ['a suspended studio', (g) => (g.studioSuspended = true), 'STUDIO_SUSPENDED'],
    ['a suspended partner', (g) => (g.partnerSuspended = true), 'PARTNER_DISABLED'],
  ];
  const inCn = (g: GateInput) => {
    g.partnerTerritories = ['CN'];
    g.approval!.approvedTerritories = ['CN'];
    g.license!.territoriesIncluded = ['CN'];
  };
  for (const [what, change, code] of matrix) {
    it(`is not live with ${what} (${code}), and says so`, () => {
      const input = ready();
      change(input);
      const result = publishGate(input, 'US', at);
      expect(result.live).toBe(false);
      expect(result.reasons.map((r) => r.code)).toEqual([code]);
    });
  }

  it('is not live where the territory requires an AI label the declared AI voices lack (AI_LABEL_MISSING), and is once it is set', () => {
    const input = ready();
    inCn(input);
    input.aiContent = { elements: [AiContentElement.VOICE], label: null, disclosure: 'Voices are synthesised.' };
    const result = publishGate(input, 'CN', at);
    expect(result.reasons.map((r) => r.code)).toEqual(['AI_LABEL_MISSING']);
    expect(result.reasons[0]!.message).toMatch(/CN requires a visible AI label for AI-generated voices \(CN-AI-LABEL-01\)/);
    // The US pack has no labelling duty: the same declaration is live there.
    expect(publishGate({ ...input, partnerTerritories: ['US'], approval: { ...input.approval!, approvedTerritories: ['US'] }, license: { ...input.license!, territoriesIncluded: ['US'] } }, 'US', at).live).toBe(true);
    input.aiContent.label = 'AI-generated voices';
    expect(publishGate(input, 'CN', at).live).toBe(true);
  });

  it('names every reason at once', () => {
    const input = ready();
    input.approval = null;
    input.releaseAt = null;
    expect(codes(input)).toEqual(['NOT_APPROVED', 'NOT_RELEASED']);
  });

});

describe('the next gate boundary', () => {
  const terms = [{ id: 't', territory: 'US', free: true, startsAt: new Date('2026-06-10T00:00:00Z'), endsAt: new Date('2026-06-20T00:00:00Z') }];
  it('is the earliest future instant among windows, holdbacks, price windows and release times', () => {
    const license = { ...ready().license!, holdbacks: [{ territory: 'US', until: '2026-06-05T00:00:00.000Z' }] };
    expect(nextGateBoundary({ license, terms, releaseTimes: [new Date('2026-06-07T00:00:00Z'), null] }, at)).toEqual(new Date('2026-06-05T00:00:00Z'));
    expect(nextGateBoundary({ license, terms, releaseTimes: [] }, new Date('2026-06-05T00:00:00Z'))).toEqual(new Date('2026-06-10T00:00:00Z'));
    expect(nextGateBoundary({ license, terms, releaseTimes: [] }, new Date('2026-06-20T00:00:00Z'))).toEqual(new Date('2027-01-01T00:00:00Z'));
  });
  it('is null when nothing is scheduled', () => {
    expect(nextGateBoundary({ license: null, terms: [], releaseTimes: [null] }, at)).toBeNull();
  });
  it('is a boundary the gate really flips at (the result just before differs from the result at it)', () => {
    const input = ready();
    input.license!.windowEnd = new Date('2026-06-03T00:00:00Z');
    const boundary = nextGateBoundary({ license: input.license, terms: [], releaseTimes: [input.releaseAt] }, at)!;
    expect(publishGate(input, 'US', new Date(boundary.getTime() - 1)).live).toBe(true);
    expect(publishGate(input, 'US', boundary).live).toBe(false);
  });

  describe('localization', () => {
    const inMx = (offer: { audio: string[]; subtitles: string[] }, accepts: LocalizationRequirement['accepts'] = ['AUDIO', 'SUBTITLES']): GateInput => {
      const g = ready();
      g.license = { ...g.license!, territoriesIncluded: [...g.license!.territoriesIncluded, 'MX'] };
      g.approval!.approvedTerritories.push('MX');
      g.partnerTerritories = [...g.partnerTerritories, 'MX'];
      g.localization = { offer, requirementFor: (t) => (t === 'MX' ? { ...SPANISH_IN_MX, accepts } : null) };
      return g;
    };

    it('an episode with neither Spanish audio nor Spanish subtitles is LOCALIZATION_MISSING in MX, naming the languages that would satisfy it', () => {
      const result = publishGate(inMx({ audio: ['en'], subtitles: ['fr'] }), 'MX', at);
      expect(result.reasons).toEqual([{ code: 'LOCALIZATION_MISSING', message: expect.stringMatching(/^MX requires audio or subtitles in es \(MX-LOCALIZATION-01\)/), languages: ['es'] }]);
      // Other territories ask nothing.
      expect(publishGate(inMx({ audio: ['en'], subtitles: [] }), 'US', at).live).toBe(true);
    });

    it('Spanish subtitles, a regional variant, or Spanish audio each satisfy it', () => {
      expect(publishGate(inMx({ audio: ['en'], subtitles: ['es'] }), 'MX', at).live).toBe(true);
      expect(publishGate(inMx({ audio: ['en'], subtitles: ['es-MX'] }), 'MX', at).live).toBe(true);
      expect(publishGate(inMx({ audio: ['es-419'], subtitles: [] }), 'MX', at).live).toBe(true);
    });

    it('only the media the territory accepts count', () => {
      expect(codes(inMx({ audio: ['es'], subtitles: [] }, ['SUBTITLES']), 'MX')).toEqual(['LOCALIZATION_MISSING']);
      expect(codes(inMx({ audio: ['en'], subtitles: ['es'] }, ['AUDIO']), 'MX')).toEqual(['LOCALIZATION_MISSING']);
    });
  });
});
