/**
 * The example app's environment, read and checked once at start (DESIGN.md, "The example app's contract").
 */
import type { SigningAlgorithm } from '../lib/keys/types';
import { SIGNING_ALGORITHMS } from '../lib/keys/types';

export const PROFILE_NAMES = ['oauth2', 'opencrvs-v1', 'opencrvs-v2', 'g2p-connect', 'aidbox', 'screening-eagle'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

const MAX_SIGNING_THREADS = 64;

export interface ExampleAppConfig {
  port: number;
  issuer: string;
  mongodbUri?: string;
  bootstrapClientId?: string;
  bootstrapClientSecret?: string;
  profile: ProfileName;
  signingAlg: SigningAlgorithm;
  /** Worker threads that sign tokens (`SigningPool`); 0 signs on the main thread. */
  signingThreads: number;
  /** A PEM or JWK file holding the private signing key; generated at start when absent. */
  signingKeyPath?: string;
  apiAudience: string;
  /** Encrypts private keys in MongoDB's shared key store (base64 of 32 bytes); with it, keys rotate across instances. */
  keyEncryptionKey?: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Reads the contract's variables from `env`; throws `ConfigError` naming the first bad one. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ExampleAppConfig {
  const portText = nonEmpty(env.PORT) ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535, got "${portText}"`);
  }

  const profileText = nonEmpty(env.PROFILE) ?? 'oauth2';
  if (!(PROFILE_NAMES as readonly string[]).includes(profileText)) {
    throw new ConfigError(`PROFILE must be one of ${PROFILE_NAMES.join(', ')}, got "${profileText}"`);
  }
  const profile = profileText as ProfileName;

  const algText = nonEmpty(env.SIGNING_ALG) ?? 'RS256';
  if (!(SIGNING_ALGORITHMS as readonly string[]).includes(algText)) {
    throw new ConfigError(`SIGNING_ALG must be one of ${SIGNING_ALGORITHMS.join(', ')}, got "${algText}"`);
  }

  const threadsText = nonEmpty(env.SIGNING_THREADS) ?? '0';
  const signingThreads = Number(threadsText);
  if (!/^\d+$/.test(threadsText) || signingThreads > MAX_SIGNING_THREADS) {
    throw new ConfigError(`SIGNING_THREADS must be a whole number from 0 to ${MAX_SIGNING_THREADS}, got "${threadsText}"`);
  }

  const defaultIssuer = profile.startsWith('opencrvs') ? 'opencrvs.auth' : `http://localhost:${port}`;
  const bootstrapClientId = nonEmpty(env.BOOTSTRAP_CLIENT_ID);
  const bootstrapClientSecret = nonEmpty(env.BOOTSTRAP_CLIENT_SECRET);
  if ((bootstrapClientId === undefined) !== (bootstrapClientSecret === undefined)) {
    throw new ConfigError('BOOTSTRAP_CLIENT_ID and BOOTSTRAP_CLIENT_SECRET must be set together');
  }
  if (bootstrapClientSecret !== undefined && bootstrapClientSecret.length < 16) {
    throw new ConfigError('BOOTSTRAP_CLIENT_SECRET must be at least 16 characters');
  }

  const config: ExampleAppConfig = {
    port,
    issuer: nonEmpty(env.ISSUER) ?? defaultIssuer,
    profile,
    signingAlg: algText as SigningAlgorithm,
    signingThreads,
    apiAudience: nonEmpty(env.API_AUDIENCE) ?? 'example-api',
  };
  const mongodbUri = nonEmpty(env.MONGODB_URI);
  if (mongodbUri !== undefined) config.mongodbUri = mongodbUri;
  if (bootstrapClientId !== undefined && bootstrapClientSecret !== undefined) {
    config.bootstrapClientId = bootstrapClientId;
    config.bootstrapClientSecret = bootstrapClientSecret;
  }
  const keyEncryptionKey = nonEmpty(env.KEY_ENCRYPTION_KEY);
  if (keyEncryptionKey !== undefined) config.keyEncryptionKey = keyEncryptionKey;
  const signingKeyPath = nonEmpty(env.SIGNING_KEY_FILE);
  if (signingKeyPath !== undefined) config.signingKeyPath = signingKeyPath;
  return config;
}
