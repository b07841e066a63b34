import type { ClientRecord } from '../../lib/clients';
import {
  InvalidClientMetadataError,
  clientToMetadata,
  metadataToClientUpdate,
  metadataToNewClient,
  validateClientMetadata,
} from '../../lib/registration/metadata';

const record: ClientRecord = {
  id: 'db-1',
  clientId: 'c-1',
  name: 'reports',
  secretHash: 'sha256$abc',
  previousSecretHash: 'scrypt$16384$8$1$salt$key',
  previousSecretExpiresAt: new Date('2030-01-01T00:00:00Z'),
  scopes: ['records:read', 'disburse'],
  audiences: ['example-api'],
  grantTypes: ['client_credentials'],
  accessTokenTtl: 300,
  disabled: false,
  createdAt: new Date('2025-01-02T03:04:05.678Z'),
  updatedAt: new Date('2025-01-02T03:04:05.678Z'),
};

describe('client metadata — RFC 7591 §2 ⇄ ClientRecord', () => {
  it('maps a record to metadata without the secret hashes', () => {
    const metadata = clientToMetadata(record);
    expect(metadata).toEqual({
      client_id: 'c-1',
      client_id_issued_at: 1735787045,
      client_name: 'reports',
      scope: 'records:read disburse',
      grant_types: ['client_credentials'],
      audience: ['example-api'],
      access_token_ttl: 300,
      token_endpoint_auth_method: 'client_secret_basic',
    });
  });

  it('maps metadata to a new client, with the given hash and id', () => {
    const metadata = validateClientMetadata({ client_name: 'x', scope: 'a b', audience: ['api'], refresh_token_ttl: 60 });
    expect(metadataToNewClient(metadata, 'sha256$h', 'imported')).toEqual({
      clientId: 'imported',
      name: 'x',
      secretHash: 'sha256$h',
      scopes: ['a', 'b'],
      audiences: ['api'],
      grantTypes: ['client_credentials'],
      refreshTokenTtl: 60,
    });
  });

  it('maps metadata to an update that removes what it omits (RFC 7592 §2.2)', () => {
    expect(metadataToClientUpdate(validateClientMetadata({ client_name: 'x' }))).toEqual({
      name: 'x',
      scopes: [],
      audiences: [],
      grantTypes: ['client_credentials'],
      accessTokenTtl: null,
      refreshTokenTtl: null,
    });
  });

  it('round-trips: the metadata of a record validates to the same metadata', () => {
    const { client_id: _id, client_id_issued_at: _issued, ...metadata } = clientToMetadata(record);
    expect(validateClientMetadata(metadata)).toEqual(metadata);
  });

  it('reads only own properties: inherited ones are not metadata', () => {
    const inherited = Object.create({ client_name: 'from the prototype' }) as object;
    expect(() => validateClientMetadata(inherited)).toThrow(InvalidClientMetadataError);
  });

  it('throws an error that names the field and the reason separately', () => {
    try {
      validateClientMetadata({ client_name: 'x', access_token_ttl: 0 });
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidClientMetadataError);
      expect(error).toMatchObject({ field: 'access_token_ttl', reason: 'must be a whole number of seconds from 1 to 86400' });
    }
  });
});
