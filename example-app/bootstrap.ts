/**
 * The bootstrap admin client: scope `clients:admin`, audience `$ISSUER`.
 * From `BOOTSTRAP_CLIENT_ID`/`BOOTSTRAP_CLIENT_SECRET` when set (an outside secret: hashed with scrypt),
 * otherwise generated; the generated secret is returned once so `main.ts` can print it, and never kept.
 */
import type { ClientStore } from '../lib/clients/client-store';
import { generateClientSecret, hashGeneratedSecret, hashImportedSecret } from '../lib/clients/secrets';
import type { ExampleAppConfig } from './config';

export interface BootstrapClient {
  clientId: string;
  /** Present only when the secret was generated at this start. */
  generatedSecret?: string;
}

export const ADMIN_SCOPE = 'clients:admin';

export async function ensureBootstrapClient(clients: ClientStore, config: ExampleAppConfig): Promise<BootstrapClient> {
  const admin = { scopes: [ADMIN_SCOPE], audiences: [config.issuer], grantTypes: ['client_credentials' as const] };
  if (config.bootstrapClientId !== undefined && config.bootstrapClientSecret !== undefined) {
    const secretHash = await hashImportedSecret(config.bootstrapClientSecret);
    const clientId = config.bootstrapClientId;
    const existing = await clients.findByClientId(clientId);
    if (existing) {
      await clients.update(clientId, { ...admin, secretHash, disabled: false, previousSecretHash: null, previousSecretExpiresAt: null });
    } else {
      await clients.create({ clientId, name: 'bootstrap admin', secretHash, ...admin });
    }
    return { clientId };
  }
  const secret = generateClientSecret();
  const created = await clients.create({ name: 'bootstrap admin', secretHash: hashGeneratedSecret(secret), ...admin });
  return { clientId: created.clientId, generatedSecret: secret };
}
