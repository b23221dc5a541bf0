import type { ApolloServerPlugin } from '@apollo/server';

/**
 * RFC 6750's answer to a request without valid credentials: HTTP 401 with a Bearer challenge,
 * `error="invalid_token"` when a token was presented but refused. The GraphQL body is unchanged
 * (errors with `extensions.code` UNAUTHENTICATED).
 */
export function bearerChallenge(tokenPresented: boolean): string {
  return tokenPresented ? 'Bearer error="invalid_token"' : 'Bearer';
}

/** Turns a response carrying UNAUTHENTICATED (e.g. a resolver that needs a caller) into a 401 with the challenge. */
export function unauthenticatedStatusPlugin<Context extends object>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors ?? [];
          if (!errors.some((error) => error.extensions?.code === 'UNAUTHENTICATED')) return;
          const authorization = request.http?.headers.get('authorization');
          response.http.status = 401;
          response.http.headers.set('www-authenticate', bearerChallenge(authorization !== undefined && authorization.trim() !== ''));
        },
      };
    },
  };
}
