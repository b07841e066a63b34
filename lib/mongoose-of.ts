/**
 * The mongoose a host app's `Connection` belongs to.
 *
 * The MongoDB adapters take what they need at run time — `Schema`, `ObjectId`, the error classes,
 * the connection states — from the connection they are given (`connection.base`), never from an
 * `import 'mongoose'`. So loading the library loads neither mongoose nor the MongoDB driver: a
 * process that only issues or verifies tokens with the memory adapters does not carry ≈ 9 MB
 * more heap (which makes every major garbage collection of a busy server dearer), and an app whose
 * mongoose is another copy than the library's gets schemas and error checks from its own copy.
 * Only types are imported here, and they vanish at compile time.
 */
import type { Connection, Mongoose } from 'mongoose';

/**
 * @example
 * const mongoose = mongooseOf(connection);
 * const schema = new mongoose.Schema({ kid: String });
 */
export function mongooseOf(connection: Connection): Mongoose {
  const base = (connection as Partial<Connection> | null | undefined)?.base;
  if (typeof base?.Schema !== 'function') {
    throw new TypeError('expected a mongoose Connection (mongoose.createConnection(uri)), got something else');
  }
  return base;
}
