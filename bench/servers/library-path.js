'use strict';
/** Loads one folder of the compiled library (`dist/lib/<part>`), or explains what is missing. */
const path = require('node:path');

function requireLibrary(libDir, part) {
  const file = path.join(libDir, part, 'index.js');
  try {
    return require(file);
  } catch (error) {
    throw new Error(`the library part ${part} is not built (${file}): ${error.message.split('\n')[0]}`);
  }
}

module.exports = { requireLibrary };
