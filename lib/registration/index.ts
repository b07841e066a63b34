/**
 * Client registration and management (RFC 7591 / RFC 7592): the Express router, the metadata
 * rules it shares with the CLI, and the register / replace / rotate steps.
 */
export type { ClientInformationResponse, SecretRotationResponse } from './router';
export { registrationRouter } from './router';
export type {
  ClientChangedEvent,
  RegistrationAuthOptions,
  RegistrationRouterOptions,
} from './options';
export { CLIENTS_ADMIN_SCOPE } from './options';
export type {
  ClientMetadata,
  MetadataLimits,
  MetadataViewOptions,
  RegisteredClientMetadata,
  TokenEndpointAuthMethod,
} from './metadata';
export {
  DEFAULT_MAX_ACCESS_TOKEN_TTL,
  DEFAULT_MAX_REFRESH_TOKEN_TTL,
  DEFAULT_METADATA_LIMITS,
  DEFAULT_REFRESH_TOKEN_TTL,
  InvalidClientMetadataError,
  clientToMetadata,
  metadataToClientUpdate,
  metadataToNewClient,
  validateClientMetadata,
} from './metadata';
export type { RegisterClientOptions, RegisteredClient, RotatedSecret } from './operations';
export { registerClient, replaceClientMetadata, rotateClientSecret } from './operations';
