/**
 * RFC 9068 — JWT profile for OAuth 2.0 access tokens: builds the claims (`iss`, `sub`,
 * `client_id`, `aud`, `scope`, `iat`, `exp`, `jti`) and signs them with the keyring's active key
 * (header `typ` and `kid`). The lifetime is the client's own `accessTokenTtl`, else the router's
 * default, never more than the router's maximum. Every grant issues through here, so the
 * `onTokenIssued` hook hears every token.
 */
import { randomUUID } from 'node:crypto';
import type { ClientRecord } from '../clients';
import type { AccessTokenClaims, Keyring, SigningPool } from '../keys';
import { signJwt } from '../keys';
import type { TokenIssuedEvent } from './hooks';
import type { TokenShapeWireOptions } from './wire';

export interface AccessTokenIssuerOptions {
  issuer: string;
  keys: Pick<Keyring, 'signingKey'>;
  /** Signs on worker threads; without it, `signJwt` signs on this thread. */
  signingPool?: Pick<SigningPool, 'sign'>;
  /** Seconds, for a client without its own lifetime. */
  defaultTtl: number;
  /** Seconds; caps a client's own lifetime. */
  maxTtl: number;
  shape: TokenShapeWireOptions;
  /** Called after each token is signed (the router wires the host's hook, made safe, here). */
  onIssued?: (event: TokenIssuedEvent) => void;
}

export interface AccessTokenRequest {
  client: ClientRecord;
  scopes: readonly string[];
  audience: readonly string[];
  ip: string | undefined;
}

export interface IssuedAccessToken {
  accessToken: string;
  jti: string;
  /** Seconds. */
  expiresIn: number;
  expiresAt: Date;
  scopes: string[];
  audience: string[];
}

export type AccessTokenIssuer = (request: AccessTokenRequest) => Promise<IssuedAccessToken>;

/**
 * @example
 * const issue = accessTokenIssuer({ issuer: 'https://auth.example', keys, defaultTtl: 600, maxTtl: 86400, shape: DEFAULT_WIRE_OPTIONS });
 * const { accessToken, expiresIn } = await issue({ client, scopes: ['read'], audience: ['api'], ip: req.ip });
 */
export function accessTokenIssuer(options: AccessTokenIssuerOptions): AccessTokenIssuer {
  const { issuer, keys, defaultTtl, maxTtl, shape, onIssued, signingPool } = options;
  const sign = signingPool
    ? (claims: AccessTokenClaims, typ: string): Promise<string> => signingPool.sign(claims, keys.signingKey, { typ })
    : (claims: AccessTokenClaims, typ: string): string => signJwt(claims, keys.signingKey, { typ });

  return async ({ client, scopes, audience, ip }) => {
    const expiresIn = Math.min(client.accessTokenTtl ?? defaultTtl, maxTtl);
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + expiresIn;
    const jti = randomUUID();
    const claims: AccessTokenClaims = {
      iss: issuer,
      sub: shape.subjectClaim === 'databaseId' ? client.id : client.clientId,
      client_id: client.clientId,
      aud: shape.audienceClaim === 'auto' && audience.length === 1 ? (audience[0] as string) : [...audience],
      scope: shape.scopeClaim === 'array' ? [...scopes] : scopes.join(' '),
      iat,
      exp,
      jti,
    };
    const accessToken = await sign(claims, shape.tokenType);
    const issued: IssuedAccessToken = {
      accessToken,
      jti,
      expiresIn,
      expiresAt: new Date(exp * 1000),
      scopes: [...scopes],
      audience: [...audience],
    };
    if (onIssued) {
      onIssued({ clientId: client.clientId, scopes: [...scopes], audience: [...audience], jti, expiresAt: new Date(exp * 1000), ip });
    }
    return issued;
  };
}
