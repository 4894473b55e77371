import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { AiContentElement } from './ai-content';

registerEnumType(AiContentElement, {
  name: 'AiContentElement',
  description: 'A part of a production made or altered with AI.',
  valuesConfig: {
    SCRIPT: { description: 'The script or dialogue was written with AI.' },
    VOICE: { description: 'Voices were synthesised or cloned.' },
    FACES: { description: 'Faces or actors were generated or swapped.' },
    IMAGERY: { description: 'Scenes or imagery were generated.' },
    TRANSLATION: { description: 'Subtitles or dubbing were translated with AI.' },
  },
});

@ObjectType({ description: 'What was AI-generated in an episode (its series’ declaration with its own), and how viewers are told. Partner apps show the label, and the disclosure where asked.' })
export class AiContentDisclosure {
  @Field(() => [AiContentElement], { description: 'Declared AI uses; empty when none are declared.' })
  elements!: AiContentElement[];

  @Field(() => String, { nullable: true, description: 'The label viewers see, e.g. "AI-generated voices".' })
  label!: string | null;

  @Field(() => String, { nullable: true, description: 'The longer disclosure of what AI was used for.' })
  disclosure!: string | null;
}

@ObjectType({ description: 'A territory’s AI-label duty for the declared uses, and what is still missing.' })
export class AiLabelRequirement {
  @Field(() => String, { description: 'ISO 3166-1 alpha-2.' })
  territory!: string;

  @Field(() => String, { description: 'The policy rule that requires the label.' })
  ruleId!: string;

  @Field(() => String)
  description!: string;

  @Field(() => [AiContentElement], { description: 'Declared uses (in the series or any of its episodes) this territory needs a label for.' })
  elements!: AiContentElement[];

  @Field(() => [String], { description: 'What is still missing: VISIBLE_LABEL, DISCLOSURE. Empty when met.' })
  missing!: string[];

  @Field(() => Boolean)
  met!: boolean;
}
