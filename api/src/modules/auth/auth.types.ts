import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { ApiKey } from '../api-key/api-key.entity';
import { Membership } from '../membership/membership.entity';
import { Organization } from '../organization/organization.entity';
import { User } from '../user/user.entity';

@InputType()
export class SignInInput {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;
}

@ObjectType({ description: 'A new session. The token also works as `Authorization: Bearer <token>`.' })
export class SignInPayload {
  @Field(() => String)
  token!: string;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => User)
  user!: User;
}

export enum ViewerKind {
  USER = 'USER',
  PARTNER_KEY = 'PARTNER_KEY',
}
registerEnumType(ViewerKind, { name: 'ViewerKind' });

@ObjectType({ description: 'Who is calling: a signed-in user or a partner API key.' })
export class Viewer {
  @Field(() => ViewerKind)
  kind!: ViewerKind;

  @Field(() => User, { nullable: true })
  user?: User;

  @Field(() => ApiKey, { nullable: true, description: 'Set when the caller is a partner API key.' })
  apiKey?: ApiKey;

  @Field(() => [Membership], { description: "The user's organizations and roles (empty for an API key)." })
  memberships!: Membership[];

  @Field(() => [Organization])
  organizations!: Organization[];
}
