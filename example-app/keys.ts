/** The example app's signing keys: from `SIGNING_KEY_FILE` (PEM or JWK) or generated at start. */
import { readFile } from 'node:fs/promises';
import { Keyring } from '../lib/keys/keyring';
import type { ExampleAppConfig } from './config';
import { ConfigError } from './config';

export async function loadKeyring(config: ExampleAppConfig): Promise<Keyring> {
  if (config.signingKeyPath === undefined) return Keyring.generate(config.signingAlg);
  let text: string;
  try {
    text = await readFile(config.signingKeyPath, 'utf8');
  } catch {
    throw new ConfigError(`SIGNING_KEY_FILE: cannot read ${config.signingKeyPath}`);
  }
  try {
    if (text.trimStart().startsWith('{')) {
      return Keyring.fromJwk(JSON.parse(text) as object, { alg: config.signingAlg });
    }
    return Keyring.fromPem({ privateKey: text, alg: config.signingAlg });
  } catch (error) {
    throw new ConfigError(`SIGNING_KEY_FILE: ${(error as Error).message}`);
  }
}
