/**
 * Discovery (RFC 8414): the authorization server metadata document. Everything outside
 * `lib/discovery` imports from here.
 */
export type { AuthorizationServerMetadata, AuthorizationServerMetadataOptions, ServedMetadataOptions } from './metadata';
export {
  authMethodsFor,
  authorizationServerMetadata,
  authorizationServerMetadataFor,
  buildAuthorizationServerMetadata,
  metadataOptionsFor,
} from './metadata';
