import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import type { Capability } from '../../graphql/access';
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

@ObjectType({ description: 'What a signed-in person may do, from the role groups the operations allow (graphql/access.ts). Clients show sections and buttons by these instead of by role names; the operations still check each call, and tenancy.' })
export class Capabilities implements Record<Capability, boolean> {
  @Field(() => Boolean, { description: 'Read the studio’s own catalog (studio members).' })
  readCatalog!: boolean;

  @Field(() => Boolean, { description: 'Change series, episodes, licenses, prices, media and release plans (studio owners and editors).' })
  editCatalog!: boolean;

  @Field(() => Boolean, { description: 'Submit episodes for review and appeal decisions (studio owners and editors); `Episode.viewerCanSubmitForReview` says it for one episode.' })
  submitForReview!: boolean;

  @Field(() => Boolean, { description: 'Work the review queue: claim, decide, comment, escalate (the operator’s reviewers, leads and admins).' })
  review!: boolean;

  @Field(() => Boolean, { description: 'A lead’s tools: hold, assign, second approvals, takedowns, licensed content matches (operator leads and admins).' })
  lead!: boolean;

  @Field(() => Boolean, { description: 'Administer the platform: organizations, partners’ profiles, review settings (operator admins).' })
  administer!: boolean;

  @Field(() => Boolean, { description: 'Invite members, change their roles and remove them (studio owners, operator admins, partner admins).' })
  manageTeam!: boolean;

  @Field(() => Boolean, { description: 'Read the organization’s audit log (studio owners, operator admins, partner admins).' })
  readAuditLog!: boolean;

  @Field(() => Boolean, { description: 'Manage partner API keys and webhooks (partner admins, operator admins).' })
  managePartners!: boolean;
}

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

  @Field(() => Capabilities, { description: 'What you may do in any of your organizations (each membership’s `can` says it for that organization). All false for an API key.' })
  can!: Capabilities;
}
