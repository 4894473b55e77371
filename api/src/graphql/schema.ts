import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { SeriesAiLabelResolver } from '../modules/ai-disclosure/ai-disclosure.resolver';
import { ApiKeyResolver } from '../modules/api-key/api-key.resolver';
import { AuditResolver } from '../modules/audit/audit.resolver';
import { AuthResolver } from '../modules/auth/auth.resolver';
import { CatalogResolver } from '../modules/catalog/catalog.resolver';
import { EpisodeResolver } from '../modules/catalog/episode.resolver';
import { SeriesResolver } from '../modules/catalog/series.resolver';
import { EpisodeLocalizationResolver, SeriesLocalizationResolver } from '../modules/catalog/localization.resolver';
import { AudioTrackResolver, EpisodeMediaResolver, MediaRevisionResolver, SubtitleDraftResolver, SubtitleTrackResolver } from '../modules/media/media.resolver';
import { EpisodeSubtitleTranslationResolver, SubtitleTranslationResolver } from '../modules/media/subtitle-translation.resolver';
import { EpisodeReviewResolver, ReviewCaseResolver } from '../modules/review/review.resolver';
import { ModerationResolver } from '../modules/review/moderation.resolver';
import { CatalogEpisodeResolver, CatalogSeriesResolver, PartnerApiResolver, EpisodeDistributionResolver, EpisodeGoLiveResolver, SeriesDistributionResolver } from '../modules/publishing/publishing.resolver';
import { ReleaseHorizonResolver } from '../modules/publishing/release-horizon.resolver';
import { MembershipCapabilitiesResolver, MembershipResolver } from '../modules/membership/membership.resolver';
import { OrganizationResolver } from '../modules/organization/organization.resolver';
import { ContentMatchDocumentsResolver, LicenseDocumentResolver, LicenseDocumentsOfLicenseResolver } from '../modules/chain-of-title/license-document.resolver';
import { CaseContentMatchResolver, EpisodeFingerprintResolver } from '../modules/fingerprints/fingerprint.resolver';
import { authChecker } from './access';
import { DateTimeISO } from './scalars';

export const resolvers = [AuthResolver, OrganizationResolver, MembershipResolver, MembershipCapabilitiesResolver, ApiKeyResolver, AuditResolver, SeriesResolver, EpisodeResolver, CatalogResolver, EpisodeMediaResolver, MediaRevisionResolver, SubtitleTrackResolver, SubtitleTranslationResolver, EpisodeSubtitleTranslationResolver, SubtitleDraftResolver, AudioTrackResolver, ReviewCaseResolver, EpisodeReviewResolver, ModerationResolver, PartnerApiResolver, CatalogSeriesResolver, CatalogEpisodeResolver, SeriesDistributionResolver, EpisodeDistributionResolver, EpisodeGoLiveResolver, ReleaseHorizonResolver, EpisodeLocalizationResolver, SeriesLocalizationResolver, SeriesAiLabelResolver, EpisodeFingerprintResolver, CaseContentMatchResolver, LicenseDocumentResolver, LicenseDocumentsOfLicenseResolver, ContentMatchDocumentsResolver] as const;

let built: Promise<GraphQLSchema> | undefined;

/** Built once per process: type-graphql's metadata is global. */
export function buildGreenlightSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: [...resolvers],
    authChecker,
    authMode: 'error',
    validate: false,
    scalarsMap: [{ type: Date, scalar: DateTimeISO }],
  });
  return built;
}
