import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { CookieOptions } from 'express';
import { Allow, capabilitiesOf } from '../../graphql/access';
import { SESSION_COOKIE, type GraphQLContext } from '../../graphql/context';
import { SignInInput, SignInPayload, Viewer, ViewerKind } from './auth.types';

function cookieOptions(ctx: GraphQLContext, expires?: Date): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure: ctx.config.isProduction, path: '/', expires };
}

@Resolver()
export class AuthResolver {
  @Allow('PUBLIC')
  @Mutation(() => SignInPayload, { description: 'Starts a session and sets the session cookie.' })
  async signIn(@Arg('input', () => SignInInput) input: SignInInput, @Ctx() ctx: GraphQLContext): Promise<SignInPayload> {
    const result = await ctx.services.auth.signIn(ctx, input);
    ctx.res.cookie(SESSION_COOKIE, result.token, cookieOptions(ctx, result.expiresAt));
    return result;
  }

  @Allow('USER')
  @Mutation(() => Boolean, { description: 'Revokes the current session.' })
  async signOut(@Ctx() ctx: GraphQLContext): Promise<boolean> {
    await ctx.services.auth.signOut(ctx);
    ctx.res.clearCookie(SESSION_COOKIE, cookieOptions(ctx));
    return true;
  }

  @Allow('USER', 'PARTNER_KEY')
  @Query(() => Viewer)
  viewer(@Ctx() ctx: GraphQLContext): Viewer {
    const { actor } = ctx;
    if (actor.kind === 'apiKey') {
      return { kind: ViewerKind.PARTNER_KEY, apiKey: actor.apiKey, memberships: [], organizations: [actor.apiKey.organization], can: capabilitiesOf([]) };
    }
    if (actor.kind !== 'user') throw new Error('unreachable: @Allow admits only users and keys');
    return {
      kind: ViewerKind.USER,
      user: actor.user,
      memberships: actor.memberships,
      organizations: actor.memberships.map((m) => m.organization),
      can: capabilitiesOf(actor.memberships),
    };
  }
}
