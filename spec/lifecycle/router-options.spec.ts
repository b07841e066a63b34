import { Keyring } from '../../lib/keys';
import { MemoryTokenStateStore, RevocationList } from '../../lib/lifecycle';
import { tokenRouter } from '../../lib/token';
import type { TokenRouterOptions } from '../../lib/token';
import { FaultInjectingClientStore } from '../support/token-fault-store';
import { ISSUER } from '../support/token-harness';

let keys: Keyring;
beforeAll(async () => {
  keys = await Keyring.generate('ES256');
});

function build(overrides: Record<string, unknown>): () => ReturnType<typeof tokenRouter> {
  const options: Record<string, unknown> = { clients: new FaultInjectingClientStore(), keys, issuer: ISSUER, ...overrides };
  return () => tokenRouter(options as unknown as TokenRouterOptions);
}

describe('tokenRouter(options) — token lifecycle options, validated at construction', () => {
  it('serves revocation, introspection and the refresh grant by default when given tokenState', () => {
    const { config } = build({ tokenState: new MemoryTokenStateStore() })();
    expect(config.revocationPath).toBe('/revoke');
    expect(config.introspectionPath).toBe('/introspect');
    expect(config.grantTypes).toEqual(['client_credentials', 'refresh_token']);
    expect(config.refreshTokenTtl).toBe(86_400);
    expect(config.maxRefreshTokenTtl).toBe(2_592_000);
    expect(config.introspectionScope).toBe('token:introspect');
  });

  it('serves none of them without tokenState', () => {
    const { config } = build({})();
    expect(config.revocationPath).toBeUndefined();
    expect(config.introspectionPath).toBeUndefined();
    expect(config.grantTypes).toEqual(['client_credentials']);
  });

  it('takes the token state from a revocation list', () => {
    const store = new MemoryTokenStateStore();
    const { config } = build({ revocations: new RevocationList(store) })();
    expect(config.tokenState).toBe(store);
  });

  it('keeps the refresh grant off when grantTypes leaves it out', () => {
    const { config } = build({ tokenState: new MemoryTokenStateStore(), grantTypes: ['client_credentials'] })();
    expect(config.grantTypes).toEqual(['client_credentials']);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a tokenState that is not a store', { tokenState: {} }, 'tokenRouter: options.tokenState must be a TokenStateStore'],
    ['revocations that are not a RevocationList', { revocations: { isRevoked: () => false } }, 'options.revocations must be a RevocationList'],
    [
      'revocations over another store',
      { tokenState: new MemoryTokenStateStore(), revocations: new RevocationList(new MemoryTokenStateStore()) },
      'options.revocations must be a RevocationList over options.tokenState',
    ],
    ['the refresh grant without tokenState', { grantTypes: ['refresh_token'] }, "includes 'refresh_token', which needs options.tokenState"],
    ['a revocationPath without tokenState', { revocationPath: '/revoke' }, 'options.revocationPath needs options.tokenState'],
    ['an introspectionPath that is a pattern', { tokenState: new MemoryTokenStateStore(), introspectionPath: '/:x' }, 'options.introspectionPath'],
    ['two endpoints on one path', { tokenState: new MemoryTokenStateStore(), revocationPath: '/token' }, 'must differ'],
    ['an introspectionScope with a space', { tokenState: new MemoryTokenStateStore(), introspectionScope: 'a b' }, 'options.introspectionScope'],
    ['a refreshTokenTtl above the maximum', { refreshTokenTtl: 100, maxRefreshTokenTtl: 50 }, 'options.refreshTokenTtl'],
    ['a zero maxRefreshTokenTtl', { maxRefreshTokenTtl: 0 }, 'options.maxRefreshTokenTtl'],
  ])('refuses %s', (_name, overrides, message) => {
    expect(build(overrides)).toThrow(TypeError);
    expect(build(overrides)).toThrow(message);
  });
});

describe('RevocationList(options) — validated at construction', () => {
  it.each<[string, unknown, Record<string, unknown>, string]>([
    ['a store that is not one', {}, {}, 'store must be a TokenStateStore'],
    ['an unknown mode', new MemoryTokenStateStore(), { mode: 'lazy' }, "options.mode must be 'cached' or 'strict'"],
    ['a zero pollIntervalMs', new MemoryTokenStateStore(), { pollIntervalMs: 0 }, 'options.pollIntervalMs'],
    ['a staleness bound below the poll interval', new MemoryTokenStateStore(), { pollIntervalMs: 2000, maxStalenessMs: 1000 }, 'at least'],
  ])('refuses %s', (_name, store, options, message) => {
    expect(() => new RevocationList(store as MemoryTokenStateStore, options)).toThrow(message);
  });

  it('derives a staleness bound of at least two poll intervals', async () => {
    let now = 1_000_000;
    const store = new MemoryTokenStateStore();
    const list = new RevocationList(store, { pollIntervalMs: 10_000, now: () => now });
    await list.refresh();
    now += 19_000;
    expect(list.isRevoked({ jti: 'never-revoked', exp: now / 1000 + 60 })).toBe(false);
  });
});
