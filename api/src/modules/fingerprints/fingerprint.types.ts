import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A moment two videos show the same picture.' })
export class MatchMoment {
  @Field(() => Float, { description: 'Seconds into this video.' })
  atSeconds!: number;

  @Field(() => Float, { description: 'Seconds into the other video.' })
  matchedAtSeconds!: number;

  @Field(() => Int, { description: 'Differing bits of the two frames’ 64-bit perceptual hashes (0 = identical).' })
  distance!: number;
}

@ObjectType({ description: 'Another episode of your studio whose video shows the same pictures: a possible duplicate upload.' })
export class PossibleDuplicate {
  @Field(() => String, { description: 'E.g. "Possible duplicate of episode 3 of The Heiress".' })
  message!: string;

  @Field(() => ID)
  episodeId!: string;

  @Field(() => Int)
  episodeNumber!: number;

  @Field(() => ID)
  seriesId!: string;

  @Field(() => String)
  seriesTitle!: string;

  @Field(() => Int, { description: 'Sampled seconds that match.' })
  matchedFrames!: number;

  @Field(() => Boolean, { description: 'One video shows the other’s pictures flipped left to right (a mirrored re-upload).' })
  mirrored!: boolean;

  @Field(() => [MatchMoment])
  moments!: MatchMoment[];
}

@ObjectType({ description: 'A perceptual-fingerprint match between two episodes’ videos, seen from one of them. Operators only.' })
export class ContentMatch {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'What the match suggests, in words.' })
  message!: string;

  @Field(() => Boolean, { description: 'Both episodes belong to one studio (a possible duplicate); otherwise a possible copy.' })
  sameStudio!: boolean;

  @Field(() => Int, { description: 'Sampled seconds that match.' })
  matchedFrames!: number;

  @Field(() => Boolean, { description: 'One video shows the other’s pictures flipped left to right (a mirrored copy).' })
  mirrored!: boolean;

  @Field(() => [MatchMoment], { description: 'Where both videos show the same picture, in this video’s time order.' })
  moments!: MatchMoment[];

  @Field(() => Date)
  foundAt!: Date;

  @Field(() => ID) mediaRevisionId!: string;
  @Field(() => ID) episodeId!: string;
  @Field(() => Int) episodeNumber!: number;
  @Field(() => ID) seriesId!: string;
  @Field(() => String) seriesTitle!: string;
  @Field(() => ID) studioId!: string;
  @Field(() => String) studioName!: string;

  @Field(() => String, { description: 'Path of this video (relative to the API), to play the moments side by side.' })
  videoUrl!: string;

  @Field(() => ID) matchedRevisionId!: string;
  @Field(() => String, { description: 'Path of the other video (relative to the API).' })
  matchedVideoUrl!: string;
  @Field(() => ID) matchedEpisodeId!: string;
  @Field(() => Int) matchedEpisodeNumber!: number;
  @Field(() => ID) matchedSeriesId!: string;
  @Field(() => String) matchedSeriesTitle!: string;
  @Field(() => ID) matchedStudioId!: string;
  @Field(() => String) matchedStudioName!: string;

  @Field(() => Boolean, { description: 'A lead ruled the two videos may share pictures (remembered for this pair of videos).' })
  licensed!: boolean;

  @Field(() => String, { nullable: true })
  licenseNote!: string | null;

  @Field(() => Date, { nullable: true })
  licensedAt!: Date | null;
}
