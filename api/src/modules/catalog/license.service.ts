import { hasVisibleText } from '../../domain/text-input';
import { z } from 'zod';
import type { RequestContext } from '../../domain/request-context';
import type { FieldError } from '../../domain/errors';
import { inputProblems, parseInput, refuseRepeats, visibleText, withRulesAcrossFields } from '../../domain/validation';
import type { AuditService } from '../audit/audit.service';
import { changes, findSeries } from './catalog-access';
import { languageSchema, territoryOrWorldwideSchema, territorySchema, textSchema, uniqueList } from './catalog-validation';
import { AiContentElement } from '../ai-disclosure/ai-content';
import { availability, type AvailabilityReason } from './availability';
import { LicenseKind, SeriesLicense, SourceWorkKind } from './license.entity';
import { WORLDWIDE } from './territories';

const licenseSchema = withRulesAcrossFields(
  'LicenseInput',
  z.object({
    sourceWorkTitle: visibleText(textSchema('Source work title', 300), 'Source work title is required.'),
    sourceWorkKind: z.enum(SourceWorkKind),
    sourceWorkAuthor: textSchema('Author', 200).nullish(),
    sourceWorkPublisher: textSchema('Publisher', 200).nullish(),
    licensor: visibleText(textSchema('Licensor', 200), 'Licensor is required.'),
    licenseKind: z.enum(LicenseKind),
    territoriesIncluded: uniqueList(territoryOrWorldwideSchema, 'Included territories')
      .min(1, 'Include at least one territory (or WORLDWIDE).')
      .refine((included) => !included.includes(WORLDWIDE) || included.length === 1, 'WORLDWIDE already includes every territory; list it alone.'),
    territoriesExcluded: uniqueList(territorySchema, 'Excluded territories').default([]),
    windowStart: z.date().nullish(),
    windowEnd: z.date().nullish(),
    exclusive: z.boolean().default(false),
    payPerEpisode: z.boolean().default(true),
    avod: z.boolean().default(false),
    svod: z.boolean().default(false),
    subtitleLanguages: uniqueList(languageSchema, 'Subtitle languages').default([]),
    dubLanguages: uniqueList(languageSchema, 'Dub languages').default([]),
    holdbacks: z
      .array(z.object({ territory: territoryOrWorldwideSchema, until: z.date({ message: 'until must be a date-time.' }) }))
      .max(300)
      .superRefine(refuseRepeats<{ territory: string }>('Holdbacks', (h) => h.territory, ['territory']))
      .default([]),
    contractReference: textSchema('Contract reference', 200).nullish(),
    aiGeneratedContent: z.boolean().default(false),
    aiDisclosure: textSchema('AI disclosure', 2000).nullish(),
    aiElements: uniqueList(z.enum(AiContentElement), 'AI uses').default([]),
    // Blank (spaces) means no label; text that shows nothing (zero-width characters) is refused, not taken as a label.
    aiLabel: textSchema('AI label', 200).refine((v) => v === '' || hasVisibleText(v), 'The AI label must contain visible text, or be left empty.').nullish(),
  }),
  [
    { field: 'windowEnd', reads: ['windowStart'], holds: (v) => !v.windowStart || !v.windowEnd || v.windowEnd.getTime() > v.windowStart.getTime(), message: 'The window must end after it starts.' },
    {
      field: 'territoriesExcluded',
      reads: ['territoriesIncluded'],
      refusedItems: (v) =>
        v.territoriesIncluded.includes(WORLDWIDE)
          ? []
          : v.territoriesExcluded.flatMap((t, item) => (v.territoriesIncluded.includes(t) ? [] : [{ item, message: `${t} is excluded but not inside the included territories.` }])),
    },
    {
      field: 'aiDisclosure',
      reads: ['aiGeneratedContent', 'aiElements'],
      holds: (v) => !(v.aiGeneratedContent || v.aiElements.length > 0) || hasVisibleText(v.aiDisclosure ?? ''),
      message: 'Describe the AI-generated content in the disclosure: the license declares AI uses.',
    },
    { field: 'payPerEpisode', reads: ['avod', 'svod'], holds: (v) => v.payPerEpisode || v.avod || v.svod, message: 'Grant at least one monetization right: pay per episode, AVOD or SVOD.' },
  ],
)
  // Declaring an AI use is declaring AI-generated content.
  .transform((v) => ({ ...v, aiGeneratedContent: v.aiGeneratedContent || v.aiElements.length > 0 }));

export type LicenseInput = z.input<typeof licenseSchema>;

const auditable = (l: SeriesLicense) => {
  const { series: _s, id: _i, updatedAt: _u, ...rest } = l;
  void _s;
  void _i;
  void _u;
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
};

export class LicenseService {
  constructor(
    private readonly audit: AuditService,
  ) {}

  async get(ctx: RequestContext, seriesId: string): Promise<SeriesLicense | null> {
    const series = await findSeries(ctx, seriesId, 'read');
    return ctx.em.findOne(SeriesLicense, { series });
  }

  /** Every field of `input` that `set` would refuse by the input's own rules, all at once, writing nothing. */
  inputProblems(input: LicenseInput): FieldError[] {
    return inputProblems(licenseSchema, input);
  }

  /** Creates or replaces the series' license as a whole. */
  async set(ctx: RequestContext, seriesId: string, input: LicenseInput): Promise<SeriesLicense> {
    const data = parseInput(licenseSchema, input);
    const em = ctx.em.fork();
    const series = await findSeries(ctx, seriesId, 'write', em);
    const existing = await em.findOne(SeriesLicense, { series });
    const before = existing ? auditable(existing) : {};
    // The input replaces the license as a whole: anything left out is cleared, not kept.
    const values = {
      ...data,
      sourceWorkAuthor: data.sourceWorkAuthor ?? null,
      sourceWorkPublisher: data.sourceWorkPublisher ?? null,
      windowStart: data.windowStart ?? null,
      windowEnd: data.windowEnd ?? null,
      contractReference: data.contractReference ?? null,
      aiDisclosure: data.aiDisclosure ?? null,
      aiLabel: data.aiLabel?.trim() || null,
      holdbacks: data.holdbacks.map((h) => ({ territory: h.territory, until: h.until.toISOString() })),
    };
    const license = existing ?? em.create(SeriesLicense, { series, ...values, updatedAt: new Date() });
    if (existing) em.assign(existing, values);
    this.audit.record(ctx, em, {
      action: existing ? 'license.update' : 'license.create',
      organizationId: series.studio.id,
      subjectType: 'Series',
      subjectId: series.id,
      summary: changes(before, auditable(license)),
    });
    await em.flush();
    return license;
  }

  /** `availability(series, territory, at)`: available or not, with every reason. */
  async availability(ctx: RequestContext, seriesId: string, territory: string, at?: Date | null): Promise<{ available: boolean; reasons: AvailabilityReason[] }> {
    const place = parseInput(territorySchema, territory, 'territory');
    const license = await this.get(ctx, seriesId);
    return availability(license, place, at ?? new Date());
  }
}
