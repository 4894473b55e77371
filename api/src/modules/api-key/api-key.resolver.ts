import { Arg, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { Allow, PARTNER_MANAGERS } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { ApiKey } from './api-key.entity';

@InputType()
export class CreateApiKeyInput {
  @Field(() => ID, { description: 'A partner organization.' })
  organizationId!: string;

  @Field(() => String, { description: 'What the key is for, e.g. "production sync".' })
  name!: string;
}

@ObjectType()
export class CreateApiKeyPayload {
  @Field(() => ApiKey)
  apiKey!: ApiKey;

  @Field(() => String, { description: 'The whole key. Shown this once; store it now.' })
  secret!: string;
}

@Resolver()
export class ApiKeyResolver {
  @Allow(...PARTNER_MANAGERS)
  @Query(() => [ApiKey])
  apiKeys(@Arg('organizationId', () => ID) organizationId: string, @Ctx() ctx: GraphQLContext): Promise<ApiKey[]> {
    return ctx.services.apiKeys.list(ctx, organizationId);
  }

  @Allow(...PARTNER_MANAGERS)
  @Mutation(() => CreateApiKeyPayload)
  createApiKey(@Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: GraphQLContext): Promise<CreateApiKeyPayload> {
    return ctx.services.apiKeys.create(ctx, input);
  }

  @Allow(...PARTNER_MANAGERS)
  @Mutation(() => ApiKey)
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<ApiKey> {
    return ctx.services.apiKeys.revoke(ctx, id);
  }
}
