import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { MongoClientStore } from '../lib/clients';
import { MongoKeyStore } from '../lib/keys';
import { MongoTokenStateStore } from '../lib/lifecycle';
import { mongooseOf } from '../lib/mongoose-of';

/** Every .ts file under a folder, recursively. */
function sourceFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return entry.name.endsWith('.ts') ? [file] : [];
  });
}

describe('mongooseOf — the Mongo adapters use the mongoose of the connection they are given', () => {
  it("returns the connection's own mongoose", async () => {
    const connection = mongoose.createConnection();
    expect(mongooseOf(connection)).toBe(mongoose);
    await connection.close();
  });

  it("builds every adapter with the host app's copy of mongoose, when it is another copy than the library's", async () => {
    let other: typeof mongoose | undefined;
    jest.isolateModules(() => {
      other = jest.requireActual<typeof mongoose>('mongoose');
    });
    if (!other) throw new Error('no second copy of mongoose');
    expect(other.Schema).not.toBe(mongoose.Schema);
    const connection = other.createConnection();
    new MongoClientStore(connection, { collection: 'other_clients' });
    new MongoKeyStore(connection, { collection: 'other_keys' });
    new MongoTokenStateStore(connection, { revokedCollection: 'other_revoked', refreshCollection: 'other_refresh' });
    const models = Object.values(connection.models);
    expect(models).toHaveLength(4);
    for (const model of models) {
      expect(model.schema).toBeInstanceOf(other.Schema);
      expect(model.schema).not.toBeInstanceOf(mongoose.Schema);
    }
    expect(Object.keys(mongoose.models)).toEqual([]);
    await connection.close();
  });

  it('refuses what is not a mongoose connection with a TypeError that says what it wants', () => {
    for (const notAConnection of [undefined, null, {}, { base: {} }, 'mongodb://localhost/db']) {
      expect(() => mongooseOf(notAConnection as never)).toThrow(TypeError);
      expect(() => new MongoClientStore(notAConnection as never)).toThrow(/mongoose Connection/);
      expect(() => new MongoKeyStore(notAConnection as never)).toThrow(/mongoose Connection/);
      expect(() => new MongoTokenStateStore(notAConnection as never)).toThrow(/mongoose Connection/);
    }
  });

  it('no library module outside the CLI imports mongoose as a value, so loading the library never loads the MongoDB driver', () => {
    const libDir = path.join(__dirname, '..', 'lib');
    const valueImport = /^import\s+(?!type\b)[^;]*?from\s+['"]mongoose['"]|require\(\s*['"]mongoose['"]\s*\)|import\(\s*['"]mongoose['"]\s*\)/m;
    const offenders = sourceFiles(libDir)
      .filter((file) => !file.startsWith(path.join(libDir, 'cli') + path.sep))
      .filter((file) => valueImport.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(libDir, file));
    expect(offenders).toEqual([]);
  });
});
