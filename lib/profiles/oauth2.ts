/**
 * The default profile: RFC 6749 behaviour, unchanged. Basic or body credentials (form or JSON),
 * never both, never in the query (§2.3.1); a `client_credentials` grant (§4.4); RFC 9068 access
 * tokens (`typ: at+jwt`, space-delimited `scope`); RFC 6749 §5.2 errors.
 */
import { defineProfile } from './profile';

export const oauth2Profile = defineProfile({
  name: 'oauth2',
  tokenPath: '/oauth2/token',
  wire: {},
  bearer: {},
});
