/**
 * Registering, replacing and re-keying clients — RFC 7591 §3.1–3.2 (registration and its
 * response) and RFC 7592 §2.2 (replacing metadata; a client never chooses its own secret, so a
 * new one comes only from a rotation).
 *
 * The steps shared by the registration router and the CLI, written against the `ClientStore`
 * port: the server generates every secret (stored only as `hashGeneratedSecret`), an imported one
 * is hashed with scrypt, and a rotation keeps the previous hash for a grace period.
 */
import type { ClientRecord, ClientStore } from '../clients';
import { generateClientSecret, hashGeneratedSecret, hashImportedSecret } from '../clients';
import type { ClientMetadata } from './metadata';
import { metadataToClientUpdate, metadataToNewClient } from './metadata';

/** A client just registered, with the only copy of its secret this server will ever hand out. */
export interface RegisteredClient {
  client: ClientRecord;
  /** The generated secret; absent when the secret was imported (its owner already has it). */
  clientSecret?: string;
}

export interface RegisterClientOptions {
  /** A client id to use instead of a random one (an import from another system). */
  clientId?: string;
  /** A secret from another system, stored as an scrypt hash instead of generating one. */
  importedSecret?: string;
}

/**
 * Registers a client under `metadata`. A generated secret is returned once and stored only as a hash.
 *
 * @example
 * const { client, clientSecret } = await registerClient(store, validateClientMetadata(body));
 */
export async function registerClient(
  store: ClientStore,
  metadata: ClientMetadata,
  options: RegisterClientOptions = {},
): Promise<RegisteredClient> {
  if (options.importedSecret !== undefined) {
    const secretHash = await hashImportedSecret(options.importedSecret);
    return { client: await store.create(metadataToNewClient(metadata, secretHash, options.clientId)) };
  }
  const clientSecret = generateClientSecret();
  const client = await store.create(metadataToNewClient(metadata, hashGeneratedSecret(clientSecret), options.clientId));
  return { client, clientSecret };
}

/**
 * Replaces a client's metadata (RFC 7592 §2.2). Resolves `null` when there is no such client.
 *
 * @example
 * const client = await replaceClientMetadata(store, clientId, validateClientMetadata(body));
 */
export function replaceClientMetadata(
  store: ClientStore,
  clientId: string,
  metadata: ClientMetadata,
): Promise<ClientRecord | null> {
  return store.update(clientId, metadataToClientUpdate(metadata));
}

/** A rotated client with its new secret, shown once. */
export interface RotatedSecret {
  client: ClientRecord;
  clientSecret: string;
  /** Until when the previous secret is still accepted; absent with no grace period. */
  previousSecretExpiresAt?: Date;
}

/**
 * Gives a client a new generated secret. With `graceSeconds > 0` the current secret keeps working
 * until `now + graceSeconds`; with 0 it stops at once (and any older grace secret is dropped).
 * Resolves `null` when there is no such client.
 *
 * @example
 * const rotated = await rotateClientSecret(store, clientId, 3600); // old secret valid for one more hour
 */
export async function rotateClientSecret(
  store: ClientStore,
  clientId: string,
  graceSeconds: number,
  now: Date = new Date(),
): Promise<RotatedSecret | null> {
  const current = await store.findByClientId(clientId);
  if (current === null) return null;
  const clientSecret = generateClientSecret();
  const secretHash = hashGeneratedSecret(clientSecret);
  if (graceSeconds <= 0) {
    const client = await store.update(clientId, { secretHash, previousSecretHash: null, previousSecretExpiresAt: null });
    return client === null ? null : { client, clientSecret };
  }
  const previousSecretExpiresAt = new Date(now.getTime() + graceSeconds * 1000);
  const client = await store.update(clientId, {
    secretHash,
    previousSecretHash: current.secretHash,
    previousSecretExpiresAt,
  });
  return client === null ? null : { client, clientSecret, previousSecretExpiresAt };
}
