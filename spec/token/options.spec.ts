import { Keyring } from '../../lib/keys';
import { tokenRouter } from '../../lib/token';
import type { TokenRouterOptions } from '../../lib/token';
import { FaultInjectingClientStore } from '../support/token-fault-store';
import { ISSUER } from '../support/token-harness';

let keys: Keyring;
beforeAll(async () => {
  keys = await Keyring.generate('ES256');
});

function build(overrides: Record<string, unknown>): () => unknown {
  const options: Record<string, unknown> = { clients: new FaultInjectingClientStore(), keys, issuer: ISSUER, ...overrides };
  return () => tokenRouter(options as unknown as TokenRouterOptions);
}

describe('tokenRouter(options) — validated once, at construction', () => {
  it('builds a router with the required options only', () => {
    expect(typeof build({})()).toBe('function');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a missing issuer', { issuer: undefined }, 'tokenRouter: options.issuer must be a non-empty string'],
    ['an empty issuer', { issuer: '' }, 'tokenRouter: options.issuer must be a non-empty string'],
    ['a missing store', { clients: undefined }, 'tokenRouter: options.clients must be a ClientStore'],
    ['a store without findByClientId', { clients: { markUsed() {} } }, 'tokenRouter: options.clients must be a ClientStore'],
    ['missing keys', { keys: undefined }, 'tokenRouter: options.keys must be a Keyring with an active signing key'],
    ['keys without a signing key', { keys: { signingKey: { kid: 'x' } } }, 'tokenRouter: options.keys must be a Keyring'],
    ['an empty defaultAudience', { defaultAudience: [] }, 'tokenRouter: options.defaultAudience must be a non-empty array'],
    ['a defaultAudience with an empty string', { defaultAudience: [''] }, 'options.defaultAudience'],
    ['a fractional accessTokenTtl', { accessTokenTtl: 1.5 }, 'tokenRouter: options.accessTokenTtl must be a whole number'],
    ['a zero accessTokenTtl', { accessTokenTtl: 0 }, 'options.accessTokenTtl'],
    ['an accessTokenTtl above the maximum', { accessTokenTtl: 700, maxAccessTokenTtl: 600 }, 'options.accessTokenTtl'],
    ['a negative maxAccessTokenTtl', { maxAccessTokenTtl: -1 }, 'options.maxAccessTokenTtl'],
    ['an empty realm', { realm: '' }, 'tokenRouter: options.realm must be a non-empty string'],
    ['a bodyLimit that is not a size', { bodyLimit: 'lots' }, 'tokenRouter: options.bodyLimit'],
    ['a negative bodyLimit', { bodyLimit: -5 }, 'options.bodyLimit'],
    ['a zero storeTimeoutMs', { storeTimeoutMs: 0 }, 'tokenRouter: options.storeTimeoutMs'],
    ['a path without a leading slash', { path: 'token' }, 'tokenRouter: options.path'],
    ['a path with route patterns', { path: '/:anything' }, 'tokenRouter: options.path'],
    ['an unknown grant type', { grantTypes: ['password'] }, 'tokenRouter: options.grantTypes'],
    ['a hook that is not a function', { hooks: { onTokenIssued: 'log' } }, 'tokenRouter: options.hooks.onTokenIssued must be a function'],
    ['an unknown hook', { hooks: { onIssued: () => undefined } }, "tokenRouter: options.hooks has an unknown option 'onIssued'"],
    ['a misspelt option', { acessTokenTtl: 60 }, "tokenRouter: options has an unknown option 'acessTokenTtl'"],
    ['wire that is not an object', { wire: 'rfc' }, 'tokenRouter: options.wire must be an object'],
    ['an unknown wire option', { wire: { scopes: 'array' } }, "tokenRouter: options.wire has an unknown option 'scopes'"],
    ['an empty credentialCarriers', { wire: { credentialCarriers: [] } }, 'tokenRouter: options.wire.credentialCarriers'],
    ['an unknown carrier', { wire: { credentialCarriers: ['cookie'] } }, 'options.wire.credentialCarriers'],
    ['an unknown body format', { wire: { bodyFormats: ['xml'] } }, 'tokenRouter: options.wire.bodyFormats'],
    ['a non-boolean allowRepeatedParameters', { wire: { allowRepeatedParameters: 'yes' } }, 'options.wire.allowRepeatedParameters must be a boolean'],
    ['an unknown audience parameter', { wire: { audienceParameters: ['aud'] } }, 'options.wire.audienceParameters'],
    ['an unknown scopeClaim', { wire: { scopeClaim: 'list' } }, "tokenRouter: options.wire.scopeClaim must be one of 'string', 'array'"],
    ['an unknown audienceClaim', { wire: { audienceClaim: 'string' } }, 'options.wire.audienceClaim'],
    ['an unknown subjectClaim', { wire: { subjectClaim: 'name' } }, 'options.wire.subjectClaim'],
    ['an empty tokenType', { wire: { tokenType: '' } }, 'tokenRouter: options.wire.tokenType must be a non-empty string'],
    ['an empty responseTokenType', { wire: { responseTokenType: '' } }, 'options.wire.responseTokenType'],
    ['a required header that is not a header name', { wire: { requiredHeaders: ['bad header'] } }, 'options.wire.requiredHeaders'],
    ['an errorFormat that is not a function', { wire: { errorFormat: {} } }, 'options.wire.errorFormat must be a function'],
    ['a validateRequest that is not a function', { wire: { validateRequest: true } }, 'options.wire.validateRequest must be a function'],
    ['a responseHeaders that is not a function', { wire: { responseHeaders: {} } }, 'options.wire.responseHeaders must be a function'],
    ['an errorStatus that is not a function', { wire: { errorStatus: 403 } }, 'options.wire.errorStatus must be a function'],
  ])('throws a TypeError naming the option for %s', (_what, overrides, message) => {
    expect(build(overrides)).toThrow(TypeError);
    expect(build(overrides)).toThrow(message);
  });

  it('accepts a maxAccessTokenTtl below the default lifetime by lowering the default', () => {
    expect(build({ maxAccessTokenTtl: 300 })).not.toThrow();
  });

  it('accepts byte sizes as numbers and strings', () => {
    expect(build({ bodyLimit: 4096 })).not.toThrow();
    expect(build({ bodyLimit: '1mb' })).not.toThrow();
  });
});
