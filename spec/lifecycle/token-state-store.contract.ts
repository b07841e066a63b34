/**
 * The `TokenStateStore` contract: one suite, run against every adapter.
 */
import crypto from 'node:crypto';
import type { TokenStateStore } from '../../lib/lifecycle/token-state-store';

const hour = 3600_000;

function hash(): string {
  return crypto.randomBytes(32).toString('base64url');
}

export function describeTokenStateStoreContract(name: string, makeStore: () => TokenStateStore): void {
  describe(`${name} — TokenStateStore contract`, () => {
    let store: TokenStateStore;
    const now = new Date('2026-11-25T12:00:00Z');

    beforeEach(() => {
      store = makeStore();
    });

    describe('revoked access tokens (RFC 7009)', () => {
      it('remembers a revoked jti until the token would have expired', async () => {
        const jti = crypto.randomUUID();
        await store.revokeAccessToken({ jti, clientId: 'c1', expiresAt: new Date(now.getTime() + hour) }, now);
        expect(await store.isAccessTokenRevoked(jti, now)).toBe(true);
        expect(await store.isAccessTokenRevoked(jti, new Date(now.getTime() + 2 * hour))).toBe(false);
      });

      it('answers false for a jti never revoked', async () => {
        expect(await store.isAccessTokenRevoked(crypto.randomUUID(), now)).toBe(false);
      });

      it('treats a second revocation of the same jti as harmless', async () => {
        const jti = crypto.randomUUID();
        const entry = { jti, clientId: 'c1', expiresAt: new Date(now.getTime() + hour) };
        await store.revokeAccessToken(entry, now);
        await store.revokeAccessToken(entry, new Date(now.getTime() + 1000));
        const since = await store.revokedSince(new Date(now.getTime() - 1));
        expect(since.filter((e) => e.jti === jti)).toHaveLength(1);
      });

      it('lists revocations after a point in time, oldest first', async () => {
        const a = crypto.randomUUID();
        const b = crypto.randomUUID();
        const expiresAt = new Date(now.getTime() + hour);
        await store.revokeAccessToken({ jti: a, clientId: 'c1', expiresAt }, new Date(now.getTime() + 1000));
        await store.revokeAccessToken({ jti: b, clientId: 'c2', expiresAt }, new Date(now.getTime() + 2000));
        const all = await store.revokedSince(now);
        expect(all.map((e) => e.jti)).toEqual([a, b]);
        const later = await store.revokedSince(new Date(now.getTime() + 1000));
        expect(later.map((e) => e.jti)).toEqual([b]);
        expect(later[0]).toMatchObject({ clientId: 'c2', expiresAt });
      });
    });

    describe('refresh tokens: rotation and reuse detection', () => {
      function newToken(overrides: { familyId?: string; clientId?: string; expiresAt?: Date } = {}) {
        return {
          tokenHash: hash(),
          familyId: overrides.familyId ?? crypto.randomUUID(),
          clientId: overrides.clientId ?? 'c1',
          scopes: ['records:read'],
          audiences: ['example-api'],
          expiresAt: overrides.expiresAt ?? new Date(now.getTime() + hour),
        };
      }

      it('consumes a live token once and returns what it was issued for', async () => {
        const token = newToken();
        await store.saveRefreshToken(token, now);
        const use = await store.consumeRefreshToken(token.tokenHash, token.clientId, now);
        expect(use.status).toBe('consumed');
        if (use.status !== 'consumed') return;
        expect(use.token).toMatchObject({
          familyId: token.familyId,
          clientId: 'c1',
          scopes: ['records:read'],
          audiences: ['example-api'],
        });
      });

      it('detects a replay and revokes the whole family', async () => {
        const first = newToken();
        await store.saveRefreshToken(first, now);
        await store.consumeRefreshToken(first.tokenHash, first.clientId, now);
        const second = newToken({ familyId: first.familyId });
        await store.saveRefreshToken(second, now);

        const replay = await store.consumeRefreshToken(first.tokenHash, first.clientId, now);
        expect(replay).toEqual({ status: 'reused', familyId: first.familyId, clientId: 'c1' });
        expect(await store.consumeRefreshToken(second.tokenHash, second.clientId, now)).toEqual({ status: 'invalid' });
        expect(await store.findRefreshToken(second.tokenHash, now)).toBeNull();
      });

      it('refuses unknown and expired tokens', async () => {
        expect(await store.consumeRefreshToken(hash(), 'c1', now)).toEqual({ status: 'invalid' });
        const token = newToken({ expiresAt: new Date(now.getTime() + 1000) });
        await store.saveRefreshToken(token, now);
        expect(await store.consumeRefreshToken(token.tokenHash, token.clientId, new Date(now.getTime() + 2000))).toEqual({
          status: 'invalid',
        });
      });

      it("refuses another client's token without consuming it or revoking its family", async () => {
        const token = newToken({ clientId: 'owner' });
        await store.saveRefreshToken(token, now);
        expect(await store.consumeRefreshToken(token.tokenHash, 'intruder', now)).toEqual({ status: 'invalid' });
        expect((await store.consumeRefreshToken(token.tokenHash, 'owner', now)).status).toBe('consumed');
        expect(await store.consumeRefreshToken(token.tokenHash, 'intruder', now)).toEqual({ status: 'invalid' });
        const next = newToken({ clientId: 'owner', familyId: token.familyId });
        await store.saveRefreshToken(next, now);
        expect(await store.findRefreshToken(next.tokenHash, now)).toMatchObject({ clientId: 'owner' });
      });

      it('lets exactly one of two concurrent uses win', async () => {
        const token = newToken();
        await store.saveRefreshToken(token, now);
        const uses = await Promise.all([
          store.consumeRefreshToken(token.tokenHash, token.clientId, now),
          store.consumeRefreshToken(token.tokenHash, token.clientId, now),
        ]);
        expect(uses.filter((use) => use.status === 'consumed')).toHaveLength(1);
      });

      it('finds a live token and forgets a used one', async () => {
        const token = newToken();
        await store.saveRefreshToken(token, now);
        expect(await store.findRefreshToken(token.tokenHash, now)).toMatchObject({ clientId: 'c1' });
        await store.consumeRefreshToken(token.tokenHash, token.clientId, now);
        expect(await store.findRefreshToken(token.tokenHash, now)).toBeNull();
      });

      it('revokes a family and every token of a client', async () => {
        const a = newToken({ clientId: 'gone' });
        const b = newToken({ clientId: 'gone' });
        const c = newToken({ clientId: 'kept' });
        for (const t of [a, b, c]) await store.saveRefreshToken(t, now);
        await store.revokeClientRefreshTokens('gone', now);
        expect(await store.consumeRefreshToken(a.tokenHash, a.clientId, now)).toEqual({ status: 'invalid' });
        expect(await store.consumeRefreshToken(b.tokenHash, b.clientId, now)).toEqual({ status: 'invalid' });
        expect((await store.consumeRefreshToken(c.tokenHash, c.clientId, now)).status).toBe('consumed');

        const d = newToken();
        await store.saveRefreshToken(d, now);
        await store.revokeRefreshFamily(d.familyId, now);
        expect(await store.consumeRefreshToken(d.tokenHash, d.clientId, now)).toEqual({ status: 'invalid' });
      });

      it('does not let a caller change what is stored through a returned record', async () => {
        const token = newToken();
        await store.saveRefreshToken(token, now);
        token.scopes.push('disburse');
        const found = await store.findRefreshToken(token.tokenHash, now);
        found?.scopes.push('admin');
        const again = await store.findRefreshToken(token.tokenHash, now);
        expect(again?.scopes).toEqual(['records:read']);
      });
    });
  });
}
