import { Arg, Ctx, Field, FieldResolver, ID, InputType, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Allow, CATALOG_READERS, CATALOG_WRITERS } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { Episode } from '../catalog/episode.entity';
import { SubtitleDraft } from './subtitle-draft.entity';
import { SubtitleTranslation } from './subtitle-translation.entity';

@InputType()
class SubtitleTranslationsInput {
  @Field(() => ID, { description: 'The subtitle track to translate.' })
  trackId!: string;

  @Field(() => [String], { description: 'BCP 47 tags to translate into (1–20, each once); none may already have a track of that kind.' })
  languages!: string[];
}

@ObjectType({ description: 'Whether this server can translate subtitles with AI, and why not.' })
class SubtitleTranslationCapability {
  @Field(() => Boolean)
  available!: boolean;

  @Field(() => String, { nullable: true, description: 'Why not (e.g. no OpenAI API key is configured), when not available.' })
  unavailableReason!: string | null;
}

@Resolver(() => SubtitleTranslation)
export class SubtitleTranslationResolver {
  @Allow(...CATALOG_READERS)
  @Query(() => SubtitleTranslationCapability, { description: 'Whether AI subtitle translation is available on this server (it needs an OpenAI API key).' })
  subtitleTranslationCapability(@Ctx() ctx: GraphQLContext): SubtitleTranslationCapability {
    return ctx.services.subtitleTranslations.capability();
  }

  @Allow(...CATALOG_WRITERS)
  @Mutation(() => [SubtitleTranslation], {
    description:
      'Queues an AI translation of a subtitle track into each language; each becomes a subtitle draft (origin TRANSLATION, timings kept cue by cue) on Episode.subtitleDrafts, which an editor accepts as made or corrected (acceptSubtitleDraft) into an AI-generated track reviewed like any track. Without an OpenAI key: FORBIDDEN with reason AI_TRANSLATION_UNAVAILABLE.',
  })
  requestSubtitleTranslations(@Ctx() ctx: GraphQLContext, @Arg('input', () => SubtitleTranslationsInput) input: SubtitleTranslationsInput): Promise<SubtitleTranslation[]> {
    return ctx.services.subtitleTranslations.request(ctx, input);
  }

  @FieldResolver(() => SubtitleDraft, { nullable: true, description: 'The subtitle draft it stored (DONE only; null once that draft is accepted or discarded).' })
  draft(@Root() translation: SubtitleTranslation, @Ctx() ctx: GraphQLContext): Promise<SubtitleDraft | null> | null {
    return translation.draft ? ctx.em.findOne(SubtitleDraft, translation.draft.id) : null;
  }
}

@Resolver(() => Episode)
export class EpisodeSubtitleTranslationResolver {
  @FieldResolver(() => [SubtitleTranslation], { description: 'AI translations of its subtitle tracks, newest first, with their progress.' })
  subtitleTranslations(@Root() episode: Episode, @Ctx() ctx: GraphQLContext): Promise<SubtitleTranslation[]> {
    return ctx.services.subtitleTranslations.list(ctx, episode.id);
  }
}
