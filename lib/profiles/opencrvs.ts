/**
 * OpenCRVS system clients.
 *
 * v1.x — seed `000_74a890771f333a74.txt`:
 * > POST https://auth.<your_domain>/token?client_id=<client_id>&client_secret=<client_secret>&grant_type=&grant_type=client_credentials
 * > Client access tokens are valid for a maximum of 10 minutes.
 * > Token Header: alg RS256; typ JWT ("This value is always JWT.")
 * > Token Payload: scope ['recordsearch'] ("An array of OpenCRVS roles"); aud ['opencrvs.auth']
 * > ("An array of services"); iss 'opencrvs.auth'; sub '5ee75eb2104ccf88d9ac0c3d' ("A unique client id in our database").
 * > Request Response: { "access_token": "eyJhbGciOiJSUzI1NiIsInR5cCI6Ikp..." }
 *
 * Credentials and the grant travel in the query string only (the seed documents no other place);
 * the literal `grant_type=&grant_type=client_credentials` is accepted because a repeated parameter's
 * last non-empty value wins. The response is `{access_token}` plus the RFC 6749 §5.1 fields.
 *
 * v2.0 — seed `001_3e5526d54addbbb6.txt`:
 * > POST https://gateway.<your_domain>/auth/token
 * > { "client_id": "…", "client_secret": "…", "grant_type": "client_credentials" }
 * > Response: { "access_token": "eyJhbGciOiJSUzI1NiIsInR5cCI6Ikp..." }
 * > "The token endpoint is OAuth 2.0 compliant." … "valid for a maximum of 10 minutes"
 *
 * The documented JSON body works; since the endpoint is "OAuth 2.0 compliant", the RFC's own form
 * body and Basic header work too. Credentials in the query string (the v1 way) are refused. Tokens
 * have the v1 shape.
 */
import type { WireOptions } from '../token';
import { defineProfile } from './profile';
import type { ProfileBearerOptions } from './profile';

/** The `iss` of OpenCRVS tokens. */
export const OPENCRVS_ISSUER = 'opencrvs.auth';

/** Ten minutes. */
const OPENCRVS_TOKEN_TTL = 600;

/** The OpenCRVS token: `typ: JWT`, `scope` and `aud` arrays, `sub` the client's database id. */
const openCrvsToken: Partial<WireOptions> = {
  scopeClaim: 'array',
  audienceClaim: 'array',
  subjectClaim: 'databaseId',
  tokenType: 'JWT',
};

/** Routes accept OpenCRVS tokens (`typ: JWT`) and this server's RFC 9068 ones (`typ: at+jwt`). */
const openCrvsBearer: ProfileBearerOptions = { acceptedTypes: ['at+jwt', 'JWT'] };

export const openCrvsV1Profile = defineProfile({
  name: 'opencrvs-v1',
  tokenPath: '/token',
  wire: { ...openCrvsToken, credentialCarriers: ['query'], allowRepeatedParameters: true },
  bearer: { ...openCrvsBearer },
  defaultIssuer: OPENCRVS_ISSUER,
  accessTokenTtl: OPENCRVS_TOKEN_TTL,
  grantTypes: ['client_credentials'],
  signingAlgorithms: ['RS256'],
});

export const openCrvsV2Profile = defineProfile({
  name: 'opencrvs-v2',
  tokenPath: '/auth/token',
  wire: { ...openCrvsToken },
  bearer: { ...openCrvsBearer },
  defaultIssuer: OPENCRVS_ISSUER,
  accessTokenTtl: OPENCRVS_TOKEN_TTL,
  grantTypes: ['client_credentials'],
  signingAlgorithms: ['RS256'],
});
