import { AiDisclosureService } from './modules/ai-disclosure/ai-disclosure.service';
import { ApiKeyService } from './modules/api-key/api-key.service';
import { AvailsService } from './modules/catalog/avails.service';
import { EpisodeService } from './modules/catalog/episode.service';
import { LicenseService } from './modules/catalog/license.service';
import { PricingService } from './modules/catalog/pricing.service';
import { SeriesService } from './modules/catalog/series.service';
import { AuditService } from './modules/audit/audit.service';
import { AuthService } from './modules/auth/auth.service';
import { SignInThrottle } from './modules/auth/sign-in-throttle';
import { MembershipService } from './modules/membership/membership.service';
import { OrganizationService } from './modules/organization/organization.service';
import type { Config } from './config';
import { LicenseDocumentService } from './modules/chain-of-title/license-document.service';
import { FingerprintService } from './modules/fingerprints/fingerprint.service';
import { MediaService } from './modules/media/media.service';
import { MediaReplacementService } from './modules/media/media-replacement.service';
import { SubtitleService } from './modules/media/subtitle.service';
import { SubtitleTranslationService } from './modules/media/subtitle-translation.service';
import { LocalizationService } from './modules/catalog/localization.service';
import { LocalizedTextService } from './modules/catalog/localized-text.service';
import { UploadService } from './modules/media/upload.service';
import type { MediaStorage } from './uploads/storage';
import type PgBoss from 'pg-boss';
import { ReviewService } from './modules/review/review.service';
import { AppealService } from './modules/review/appeal.service';
import { DecisionService } from './modules/review/decision.service';
import { LeadToolsService } from './modules/review/lead-tools.service';
import { ReviewQueueService } from './modules/review/review-queue.service';
import { loadPolicyPacks } from './modules/review/policy';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from './logger';
import { PartnerCatalogService } from './modules/publishing/partner-catalog.service';
import { PartnerService } from './modules/publishing/partner.service';
import { GoLivePreflightService } from './modules/publishing/go-live-preflight.service';
import { PublicationService } from './modules/publishing/publication.service';
import { ReleaseService } from './modules/publishing/release.service';
import { WebhookService } from './modules/publishing/webhook.service';

/** The application's services, built once per process and shared by resolvers, jobs and seeds. */
export function createServices(
  config: Config,
  knex: unknown,
  storage: MediaStorage,
  queue: () => PgBoss | undefined = () => undefined,
  runtime: { orm?: MikroORM; logger?: Logger; clock?: () => Date } = {},
) {
  // The operator's own policy packs join the built-in ones before anything reads a policy.
  if (config.review.policyPacksDir) loadPolicyPacks(config.review.policyPacksDir);
  // The audit log shows a studio its cases' events by the cases' own visibility rule.
  const audit: AuditService = new AuditService((ctx, events) => reviews.eventsAsSeenBy(ctx, events));
  const reviews: ReviewService = new ReviewService(audit, queue);
  const organizations = new OrganizationService(audit);
  const fingerprints = new FingerprintService(audit);
  // What partners see follows every write to a gate input through database marks (publication.service.ts).
  const subtitles = new SubtitleService(audit, config);
  const decisions = new DecisionService(audit);
  const releases = new ReleaseService(audit, runtime.clock);
  const mediaReplacement = new MediaReplacementService(decisions, releases);
  const uploads = new UploadService(audit, config, mediaReplacement);
  const publication = new PublicationService(queue, runtime.logger ?? (console as unknown as Logger), runtime.clock);
  return {
    audit,
    organizations,
    auth: new AuthService(audit, new SignInThrottle(knex, config.signIn.maxFailures, config.signIn.windowSeconds)),
    memberships: new MembershipService(audit, organizations),
    apiKeys: new ApiKeyService(audit),
    series: new SeriesService(audit),
    episodes: new EpisodeService(audit),
    pricing: new PricingService(audit),
    licenses: new LicenseService(audit),
    licenseDocuments: new LicenseDocumentService(audit, storage, config),
    avails: new AvailsService(),
    uploads,
    fingerprints,
    media: new MediaService(audit, uploads, storage, config, fingerprints, mediaReplacement),
    subtitles,
    subtitleTranslations: new SubtitleTranslationService(audit, config, queue),
    localization: new LocalizationService(),
    localizedTexts: new LocalizedTextService(audit),
    reviews,
    reviewQueue: new ReviewQueueService(audit),
    decisions,
    appeals: new AppealService(audit),
    leadTools: new LeadToolsService(audit),
    publication,
    partners: new PartnerService(audit),
    releases,
    mediaReplacement,
    goLivePreflight: new GoLivePreflightService(publication),
    partnerCatalog: new PartnerCatalogService(),
    webhooks: new WebhookService(audit, config, queue),
    aiDisclosure: new AiDisclosureService(),
  };
}

export type Services = ReturnType<typeof createServices>;
