import type { RequestHandler } from 'express';
import { MemoryClientStore } from '../../lib/clients';
import type { Keyring } from '../../lib/keys/keyring';
import type { RegistrationRouterOptions } from '../../lib/registration';
import { registrationRouter } from '../../lib/registration';
import { ISSUER, testKeyring } from './harness';

const allow: RequestHandler = (_req, _res, next) => next();

describe('registrationRouter(options) — checked once, errors name the option', () => {
  let keyring: Keyring;

  beforeAll(async () => {
    keyring = await testKeyring();
  });

  const build = (options: Partial<RegistrationRouterOptions>) => () =>
    registrationRouter({ clients: new MemoryClientStore(), ...options });

  it('builds with protect, or with auth', () => {
    expect(build({ protect: allow })).not.toThrow();
    expect(build({ auth: { keys: keyring, issuer: ISSUER } })).not.toThrow();
  });

  it.each([
    ['no clients', { clients: undefined, protect: allow }, /options\.clients must be a ClientStore/],
    ['clients that is not a store', { clients: {} as never, protect: allow }, /options\.clients/],
    ['neither protect nor auth', {}, /options\.protect or options\.auth must be given, and not both/],
    ['both protect and auth', { protect: allow, auth: { keys: {} as never, issuer: ISSUER } }, /and not both/],
    ['protect that is not a function', { protect: 'yes' as never }, /options\.protect must be an Express middleware/],
    ['auth without keys', { auth: { issuer: ISSUER } as never }, /options\.auth\.keys must be a VerificationKeySource/],
    ['auth with an empty issuer', { auth: { keys: 'k' as never, issuer: '' } }, /options\.auth\.keys/],
    ['maxAccessTokenTtl of 0', { protect: allow, maxAccessTokenTtl: 0 }, /options\.maxAccessTokenTtl must be a whole number of seconds/],
    ['maxRefreshTokenTtl not whole', { protect: allow, maxRefreshTokenTtl: 1.5 }, /options\.maxRefreshTokenTtl/],
    ['defaultRefreshTokenTtl over the maximum', { protect: allow, maxRefreshTokenTtl: 100, defaultRefreshTokenTtl: 101 }, /options\.defaultRefreshTokenTtl must be .* from 1 to 100/],
    ['negative secretRotationGraceSeconds', { protect: allow, secretRotationGraceSeconds: -1 }, /options\.secretRotationGraceSeconds/],
    ['allowedScopes with a space', { protect: allow, allowedScopes: ['a b'] }, /options\.allowedScopes must be an array of RFC 6749 §3\.3 scope tokens/],
    ['bodyLimit that is not a size', { protect: allow, bodyLimit: 'lots' }, /options\.bodyLimit/],
    ['onClientChanged that is not a function', { protect: allow, onClientChanged: 'log' as never }, /options\.onClientChanged must be a function/],
  ])('refuses %s', (_case, options, message) => {
    expect(build(options as Partial<RegistrationRouterOptions>)).toThrow(message);
  });

  it('refuses an empty auth.issuer', () => {
    expect(build({ auth: { keys: keyring, issuer: ' ' } })).toThrow(/options\.auth\.issuer must be a non-empty string/);
  });

  it('refuses an auth.scope that is not one scope token', () => {
    expect(build({ auth: { keys: keyring, issuer: ISSUER, scope: 'a b' } })).toThrow(/options\.auth\.scope/);
  });
});
