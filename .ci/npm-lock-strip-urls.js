// Removes every URL from package-lock.json (the lockfile keeps name, version and integrity, which
// is all `npm ci` needs). `.npmrc` already stops npm from writing `resolved` registry URLs; this
// drops the `funding` links npm copies from package manifests. Run after changing package.json:
//   npm install --package-lock-only && node .ci/npm-lock-strip-urls.js
const fs = require('fs');
const path = require('path');
const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
for (const entry of Object.values(lock.packages || {})) {
  delete entry.funding;
  if (typeof entry.resolved === 'string' && /^[a-z+]+:\/\//.test(entry.resolved)) {
    delete entry.resolved;
  }
}
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
