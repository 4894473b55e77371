import type { RequestContext } from '../../domain/request-context';
import { aiContentDeclaration } from '../ai-disclosure/ai-content';
import { findSeries, requireStudio } from './catalog-access';
import { Episode } from './episode.entity';
import { SeriesLicense } from './license.entity';
import { formatMinorUnits } from './money';
import { EpisodePriceTerm } from './price-term.entity';
import { resolvePrice } from './pricing';
import { Series } from './series.entity';
import { ISO_TERRITORIES, WORLDWIDE } from './territories';

/** Columns named as in the EMA Avails spreadsheet, for the fields Greenlight holds. */
export const AVAILS_COLUMNS = [
  'Territory',
  'WorkType',
  'EntryType',
  'SeriesTitleDisplayUnlimited',
  'EpisodeNumber',
  'EpisodeTitleDisplayUnlimited',
  'LicenseType',
  'LicenseRightsDescription',
  'Start',
  'End',
  'PriceType',
  'PriceValue',
  'PriceCurrency',
  'Exclusive',
  'Licensor',
  'ContractID',
  'AssetLanguage',
  'LocalizationType',
  'AllowedLanguages',
  // Greenlight's extension (not in EMA Avails): the AI-content disclosure partners must carry.
  'AIGeneratedContent',
  'AIContentUses',
  'AILabel',
  'AIDisclosure',
] as const;

/**
 * One CSV cell: a formula-looking start is defused, and any cell holding a delimiter a spreadsheet
 * may split on (`,` `;` tab), a quote or a line break is quoted (RFC 4180), so `Pilot;=1+1;` stays
 * one text cell wherever it is opened.
 */
export const csvCell = (value: string | number | null | undefined): string => {
  const text = value === null || value === undefined ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",;\t\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/**
 * The EMA Avails language columns of a series from its license: `AssetLanguage` the original
 * language; `LocalizationType` `sub`, `dub` or `subdub` by what the license allows (empty: the
 * original version only); `AllowedLanguages` the original language, then each licensed language
 * with its suffix (`es:subdub`, `fr:sub`), as EMA writes them (RFC 5646 tags, comma-separated).
 */
export function availsLanguages(originalLanguage: string, license: { subtitleLanguages: readonly string[]; dubLanguages: readonly string[] }): { assetLanguage: string; localizationType: string; allowedLanguages: string } {
  const sub = new Set(license.subtitleLanguages);
  const dub = new Set(license.dubLanguages);
  const localizationType = sub.size && dub.size ? 'subdub' : sub.size ? 'sub' : dub.size ? 'dub' : '';
  const licensed = [...new Set([...license.subtitleLanguages, ...license.dubLanguages])].map((l) => `${l}:${sub.has(l) && dub.has(l) ? 'subdub' : sub.has(l) ? 'sub' : 'dub'}`);
  return { assetLanguage: originalLanguage, localizationType, allowedLanguages: [originalLanguage, ...licensed].join(', ') };
}

const date = (d?: Date | null) => (d ? d.toISOString().slice(0, 10) : '');

export class AvailsService {
  /**
   * One row per episode and licensed territory (EMA avails list each territory on its own line, so
   * WORLDWIDE is spelled out), priced as that territory pays at `at`. Unlicensed series are skipped.
   */
  async csv(ctx: RequestContext, scope: { studioId: string; seriesId?: string | null }, at: Date = new Date()): Promise<string> {
    requireStudio(ctx, scope.studioId, 'read');
    const seriesList = scope.seriesId
      ? [await findSeries(ctx, scope.seriesId, 'read')].filter((s) => s.studio.id === scope.studioId)
      : await ctx.em.find(Series, { studio: scope.studioId, archivedAt: null }, { orderBy: { title: 'asc' } });
    const lines: string[] = [AVAILS_COLUMNS.join(',')];
    for (const series of seriesList) {
      const license = await ctx.em.findOne(SeriesLicense, { series });
      if (!license) continue;
      const episodes = await ctx.em.find(Episode, { series }, { orderBy: { number: 'asc' } });
      const terms = await ctx.em.find(EpisodePriceTerm, { episode: { $in: episodes.map((e) => e.id) } });
      const termsByEpisode = new Map<string, EpisodePriceTerm[]>();
      for (const t of terms) termsByEpisode.set(t.episode.id, [...(termsByEpisode.get(t.episode.id) ?? []), t]);
      const territories = (license.territoriesIncluded.includes(WORLDWIDE) ? ISO_TERRITORIES : license.territoriesIncluded).filter((t) => !license.territoriesExcluded.includes(t));
      const languages = availsLanguages(series.originalLanguage, license);
      const rights = [license.payPerEpisode && 'pay-per-episode', license.avod && 'AVOD', license.svod && 'SVOD'].filter(Boolean).join('; ');
      for (const territory of territories) {
        // A holdback keeps the territory closed until it lifts: the avail starts then (or not at all).
        const holdbackEnd = license.holdbacks
          .filter((h) => h.territory === territory || h.territory === WORLDWIDE)
          .map((h) => new Date(h.until))
          .reduce<Date | null>((latest, d) => (!latest || d > latest ? d : latest), null);
        const start = holdbackEnd && (!license.windowStart || holdbackEnd > license.windowStart) ? holdbackEnd : (license.windowStart ?? null);
        if (start && license.windowEnd && start >= license.windowEnd) continue;
        for (const episode of episodes) {
          const price = resolvePrice({ number: episode.number, terms: termsByEpisode.get(episode.id) ?? [] }, series, territory, at);
          const [priceType, priceValue, priceCurrency] = price.free
            ? ['Category', 'Free', '']
            : price.amountMinor != null && price.currency
              ? ['SRP', formatMinorUnits(price.currency, price.amountMinor), price.currency]
              : price.coins != null
                ? ['Tier', `${price.coins} coins`, '']
                : ['', '', ''];
          const ai = aiContentDeclaration(license, episode.aiElements);
          const licenseType = price.free ? (license.avod ? 'AVOD' : 'FVOD') : license.payPerEpisode ? 'VOD' : license.svod ? 'SVOD' : 'AVOD';
          lines.push(
            [
              territory,
              'Episode',
              'Full Extract',
              series.title,
              episode.number,
              episode.title,
              licenseType,
              rights,
              date(start),
              date(license.windowEnd) || 'Open',
              priceType,
              priceValue,
              priceCurrency,
              license.exclusive ? 'Yes' : 'No',
              license.licensor,
              license.contractReference ?? '',
              languages.assetLanguage,
              languages.localizationType,
              languages.allowedLanguages,
              license.aiGeneratedContent || ai.elements.length ? 'Yes' : 'No',
              ai.elements.join('; '),
              ai.label ?? '',
              ai.disclosure ?? '',
            ]
              .map(csvCell)
              .join(','),
          );
        }
      }
    }
    return lines.join('\r\n') + '\r\n';
  }
}
