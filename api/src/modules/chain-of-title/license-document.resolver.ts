import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { Allow } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { SeriesLicense } from '../catalog/license.entity';
import { ContentMatch } from '../fingerprints/fingerprint.types';
import { LicenseDocument } from './license-document.entity';

const WRITERS = ['STUDIO:OWNER', 'STUDIO:EDITOR'] as const;
const OPERATOR = ['OPERATOR:REVIEWER', 'OPERATOR:LEAD', 'OPERATOR:ADMIN'] as const;

// Documents are attached over HTTP (`POST /license-documents`, the PDF as the body), not through
// GraphQL: a PDF does not fit the /graphql body limit, which stays small for everyone.
@Resolver(() => LicenseDocument)
export class LicenseDocumentResolver {
  @FieldResolver(() => String, { description: 'Signed path (relative to the API) to download the PDF; expires after `LICENSE_DOCUMENT_URL_TTL_SECONDS` (10 minutes by default).' })
  downloadUrl(@Root() document: LicenseDocument, @Ctx() ctx: GraphQLContext): string {
    return ctx.services.licenseDocuments.downloadUrl(document);
  }

  @Allow(...WRITERS)
  @Mutation(() => ID, { description: 'Removes a document from its license; returns its id. Audited.' })
  removeLicenseDocument(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<string> {
    return ctx.services.licenseDocuments.remove(ctx, id);
  }
}

@Resolver(() => SeriesLicense)
export class LicenseDocumentsOfLicenseResolver {
  @FieldResolver(() => [LicenseDocument], { description: 'Contract PDFs behind the license (chain of title), oldest first. The studio and the operator’s people only.' })
  documents(@Root() license: SeriesLicense, @Ctx() ctx: GraphQLContext): Promise<LicenseDocument[]> {
    return ctx.services.licenseDocuments.ofSeries(ctx, license.series.id);
  }
}

@Resolver(() => ContentMatch)
export class ContentMatchDocumentsResolver {
  @Allow(...OPERATOR)
  @FieldResolver(() => [LicenseDocument], { description: 'License documents of this video’s series, to weigh a dispute. Operators only.' })
  licenseDocuments(@Root() match: ContentMatch, @Ctx() ctx: GraphQLContext): Promise<LicenseDocument[]> {
    return ctx.services.licenseDocuments.ofSeries(ctx, match.seriesId);
  }

  @Allow(...OPERATOR)
  @FieldResolver(() => [LicenseDocument], { description: 'License documents of the other video’s series. Operators only.' })
  matchedLicenseDocuments(@Root() match: ContentMatch, @Ctx() ctx: GraphQLContext): Promise<LicenseDocument[]> {
    return ctx.services.licenseDocuments.ofSeries(ctx, match.matchedSeriesId);
  }
}
