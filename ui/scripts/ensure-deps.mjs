// Installs node_modules from package-lock.json with the machine's npm (`npm ci`) unless they
// are already installed from the current lockfile; fails fast on a Node.js that is too old.
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`flarestack-ui: Node.js ${process.versions.node} is too old; the UI build needs 20.19 or newer.`);
  process.exit(1);
}
const hidden = 'node_modules/.package-lock.json';
if (existsSync(hidden) && statSync(hidden).mtimeMs >= statSync('package-lock.json').mtimeMs) {
  console.log('flarestack-ui: node_modules matches package-lock.json');
  process.exit(0);
}
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
if (r.error) {
  console.error(`flarestack-ui: cannot run npm: ${r.error.message}`);
}
process.exit(r.status ?? 1);
