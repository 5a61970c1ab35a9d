// The browser test of the built-in UI against a real Flarestack server. It is started by the
// server module's WebUiIT, which runs the server, pushes real profiles and passes what the UI
// must show (computed from the input files) through the environment:
//   FLARESTACK_URL, UI_SCREENSHOTS, E2E_SERVICE, E2E_TOP, E2E_TOTAL,
//   E2E_DIFF_SERVICE, E2E_DIFF_REMOVED, E2E_DIFF_ADDED; optional CHROMIUM_PATH.
// Chromium is Debian's (apt-get install chromium), driven by playwright-core; nothing is
// downloaded. A missing browser or library fails the test with a message.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { accessSync, constants, mkdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { delimiter, join } from 'node:path';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set; run this test through the server module's WebUiIT (./mvnw verify)`);
  return v;
};

function findChromium() {
  if (process.env.CHROMIUM_PATH) {
    try {
      accessSync(process.env.CHROMIUM_PATH, constants.X_OK);
      return process.env.CHROMIUM_PATH;
    } catch {
      throw new Error(`CHROMIUM_PATH=${process.env.CHROMIUM_PATH} is not an executable`);
    }
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const p = join(dir, name);
      try {
        accessSync(p, constants.X_OK);
        return p;
      } catch {
        // keep looking
      }
    }
  }
  throw new Error('Chromium is not installed: install Debian\'s chromium (apt-get install chromium chromium-driver, as .ci/run does) or set CHROMIUM_PATH');
}

/** Polls `check` until it returns a truthy value or the deadline passes. */
async function until(what, check, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const base = () => env('FLARESTACK_URL').replace(/\/$/, '');
const shots = () => {
  const d = env('UI_SCREENSHOTS');
  mkdirSync(d, { recursive: true });
  return d;
};

/** CSS-pixel positions of bars drawn in full colour (search hits), not dimmed or merged. */
async function highlightedBars(page, testId = 'flamegraph-canvas') {
  return page.getByTestId(testId).evaluate((c) => {
    const ctx = c.getContext('2d');
    const dpr = c.width / c.clientWidth;
    const img = ctx.getImageData(0, 0, c.width, c.height).data;
    const dim = [[44, 47, 54], [74, 77, 85], [228, 230, 234], [196, 199, 205]];
    const out = [];
    for (let row = 0; (row * 22 + 3) * dpr < c.height; row++) {
      const y = Math.round((row * 22 + 3) * dpr);
      for (let x = 0; x < c.width; x += 1) {
        const i = (y * c.width + x) * 4;
        if (img[i + 3] < 200) continue;
        const px = [img[i], img[i + 1], img[i + 2]];
        if (dim.some((d) => d.every((v, k) => Math.abs(v - px[k]) <= 2))) continue;
        out.push({ x: x / dpr + 1, y: row * 22 + 11, row });
        x += 40;
      }
    }
    return out;
  });
}

async function tooltipText(page, x, y) {
  const box = await page.getByTestId('flamegraph-canvas').boundingBox();
  await page.mouse.move(box.x + x, box.y + y);
  const tip = page.getByRole('tooltip');
  await tip.waitFor({ state: 'visible', timeout: 5000 });
  return tip.innerText();
}

const firstSymbol = (page) => page.locator('[data-testid=top-table] tbody tr td.sym').first().innerText();

describe('Flarestack web UI in headless Chromium', () => {
  let chromium;
  let browser;
  let page;
  const errors = [];

  before(async () => {
    const executablePath = findChromium();
    try {
      ({ chromium } = await import('playwright-core'));
    } catch (e) {
      throw new Error(`playwright-core is not installed (${e.message}); run npm ci in ui/ (./mvnw does it)`);
    }
    browser = await chromium.launch({
      executablePath,
      // Root in a container: no sandbox. No background traffic to hosts this machine cannot reach.
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--no-first-run', '--disable-sync', '--disable-quic'],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
  });

  after(async () => {
    await browser?.close();
  });

  it('shows the service\'s flame graph with its top function first in the table and in the tooltip', async () => {
    await page.goto(base() + '/');
    await page.getByLabel('Service', { exact: true }).selectOption(env('E2E_SERVICE'));
    const canvas = page.getByTestId('flamegraph-canvas');
    await canvas.waitFor({ state: 'visible', timeout: 20_000 });
    await until('the top table to lead with ' + env('E2E_TOP'), async () => (await firstSymbol(page)) === env('E2E_TOP'));
    const painted = await canvas.evaluate((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
    assert.ok(painted > 10_000, `the canvas should be painted, ${painted} pixels are`);

    // The root bar: the whole profile, raw total as pushed.
    const width = (await canvas.boundingBox()).width;
    const root = await tooltipText(page, width / 2, 11);
    assert.match(root, /^total/);
    assert.ok(root.includes(Number(env('E2E_TOTAL')).toLocaleString('en-US')), `root tooltip shows the total ${env('E2E_TOTAL')}: ${root}`);
    assert.match(root, /100(\.0)?%/);
    assert.match(root, /cores/, 'CPU time reads as cores over the range too');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(shots(), 'flamegraph.png') });
  });

  it('highlights a searched function, filters the table, and its bar\'s tooltip names it', async () => {
    const top = env('E2E_TOP');
    await page.getByLabel('Search functions').fill(top);
    await until('the table to filter on the search', async () => {
      const names = await page.locator('[data-testid=top-table] tbody tr td.sym').allInnerTexts();
      return names.length > 0 && names.every((n) => n.includes(top)) && names[0] === top;
    });
    const matches = await until('matches on the canvas', async () => Number(await page.getByTestId('flamegraph-canvas').getAttribute('data-matches')));
    assert.ok(matches >= 1);
    const bars = await until('a highlighted bar', () => highlightedBars(page).then((b) => b.length > 0 && b));
    const tip = await tooltipText(page, bars[0].x, bars[0].y);
    assert.equal(tip.split('\n')[0].trim(), top, 'the highlighted bar is the searched function');
    assert.match(tip, /Self/);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(shots(), 'search.png') });

    // Click focuses the frame; the URL keeps search and focus.
    const box = await page.getByTestId('flamegraph-canvas').boundingBox();
    await page.mouse.click(box.x + bars[0].x, box.y + bars[0].y);
    await until('the focus in the URL', () => new URL(page.url()).searchParams.get('focus'));
    const label = await page.getByTestId('flamegraph-canvas').getAttribute('aria-label');

    // A shared URL reopens the same view in a fresh browser context.
    const shared = page.url();
    const other = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const second = await other.newPage();
    second.on('pageerror', (e) => errors.push(e.message));
    await second.goto(shared);
    await second.getByTestId('flamegraph-canvas').waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await second.getByLabel('Search functions').inputValue(), top);
    assert.equal(await second.getByLabel('Service', { exact: true }).inputValue(), env('E2E_SERVICE'));
    await until('the same focused graph', async () => (await second.getByTestId('flamegraph-canvas').getAttribute('aria-label')) === label);
    await until('the same first row', async () => (await firstSymbol(second)) === top);
    assert.ok(await second.getByRole('button', { name: 'Reset focus and sandwich' }).isVisible(), 'the focus survived the reload');
    await other.close();
  });

  it('exports the merged profile as pprof, the flame graph as JSON and PNG', async () => {
    const save = async (button) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button, exact: true }).click()]);
      return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
    };
    const pprof = await save('pprof');
    assert.match(pprof.name, /^java-app-process_cpu_cpu\.pb\.gz$/);
    const raw = gunzipSync(pprof.bytes);
    assert.ok(raw.includes(Buffer.from(env('E2E_TOP'))), 'the pprof names the top function');
    const json = await save('JSON');
    const fg = JSON.parse(json.bytes.toString('utf8'));
    assert.ok(fg.flamegraph.names.includes(env('E2E_TOP')));
    assert.equal(fg.flamegraph.total, env('E2E_TOTAL'));
    const png = await save('PNG');
    assert.deepEqual([...png.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  });

  it('explains what a small max nodes folds into other', async () => {
    await page.getByLabel('Max nodes').fill('64');
    const note = page.getByTestId('other-note');
    await note.waitFor({ state: 'visible', timeout: 20_000 });
    assert.match(await note.innerText(), /kept the 64 heaviest nodes/);
    assert.ok(Number(await page.getByTestId('flamegraph-canvas').getAttribute('data-nodes')) <= 128, 'the server truncated the graph');
    await page.getByLabel('Max nodes').fill('16384');
    await until('the full graph again', async () => (await note.count()) === 0);
  });

  it('completes label names, says when a selector has no data, and shows the server\'s error', async () => {
    const query = page.getByLabel('Label selector');
    await query.fill('{service_name="java-app", e');
    const option = page.getByRole('listbox').getByRole('option', { name: 'env', exact: true });
    await option.waitFor({ state: 'visible', timeout: 10_000 });
    await option.click();
    assert.equal(await query.inputValue(), '{service_name="java-app", env="');
    await page.getByRole('listbox').getByRole('option', { name: 'e2e', exact: true }).click();
    assert.equal(await query.inputValue(), '{service_name="java-app", env="e2e"');

    await query.fill('{service_name="java-app", env="nope"}');
    await query.press('Enter');
    const empty = page.getByTestId('no-data');
    try {
      await empty.waitFor({ state: 'visible', timeout: 20_000 });
    } catch (e) {
      // What the page shows instead (an error box, a stale graph, an open suggestion list) and
      // where the query bar stands, so a failure here says why.
      const shown = await page.locator('body').innerText().catch(() => '(no text)');
      throw new Error(`${e.message}\nquery bar: ${await query.inputValue()}\nurl: ${page.url()}\npage text:\n${shown.slice(0, 3000)}`);
    }
    assert.match(await empty.innerText(), /No data for \{service_name="java-app", env="nope"\}/);

    await query.fill('{service_name="java-app", env=}');
    await query.press('Enter');
    const error = page.getByTestId('error').first();
    await error.waitFor({ state: 'visible', timeout: 20_000 });
    assert.match(await error.innerText(), /invalid_argument/);
    assert.match(await error.innerText(), /env=\}/, 'the server\'s message names the bad selector');

    await query.fill('{service_name="java-app"}');
    await query.press('Enter');
    await page.getByTestId('flamegraph-canvas').waitFor({ state: 'visible', timeout: 20_000 });
  });

  it('opens the sandwich view of a function from the table', async () => {
    const reset = page.getByRole('button', { name: 'Reset focus and sandwich' });
    if (await reset.count() > 0) await reset.click();
    await page.getByRole('button', { name: `Sandwich view of ${env('E2E_TOP')}` }).click();
    await page.getByTestId('sandwich-callees').waitFor({ state: 'visible' });
    await page.getByTestId('sandwich-callers').waitFor({ state: 'visible' });
    assert.equal(new URL(page.url()).searchParams.get('sandwich'), env('E2E_TOP'));
  });

  it('groups the timeline by a label and zooms into a dragged range', async () => {
    await page.getByLabel('Group by').selectOption('env');
    await until('a series per env value', async () => (await page.getByTestId('timeline').innerText()).includes('env=e2e'));
    const svg = page.getByTestId('timeline').locator('svg');
    const box = await svg.boundingBox();
    await page.mouse.move(box.x + box.width * 0.5, box.y + 40);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.75, box.y + 40, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.99, box.y + 40, { steps: 5 });
    await page.mouse.up();
    await until('an absolute range in the URL', () => /^\d+$/.test(new URL(page.url()).searchParams.get('from') ?? ''));
    const from = Number(new URL(page.url()).searchParams.get('from'));
    const until_ = Number(new URL(page.url()).searchParams.get('until'));
    const now = Date.now();
    assert.ok(from > now - 35 * 60e3 && from < now - 25 * 60e3, `the drag started half way through the last hour: ${new Date(from).toISOString()}`);
    assert.ok(until_ > from && until_ <= now + 60e3);
    // The URL changes before React re-renders the picker: wait for it rather than read it once.
    await until('the range picker showing the dragged range', async () =>
      (await page.getByLabel('Time range', { exact: true }).inputValue()) === 'custom');
    await page.getByTestId('sandwich-callees').waitFor({ state: 'visible', timeout: 20_000 });
    await page.getByLabel('Time range', { exact: true }).selectOption('now-1h');
    await page.getByLabel('Group by').selectOption('');
    // The next test opens the diff page, which splits the current range: wait until the relative
    // range (the default, so absent from the URL) has replaced the dragged absolute one.
    await until('the relative range back in the URL', () => {
      const params = new URL(page.url()).searchParams;
      return !params.has('from') && !params.has('until') && !params.has('groupBy');
    });
  });

  it('diffs two time ranges of a service through the Diff RPC, with a legend', async () => {
    await page.getByRole('link', { name: 'Diff' }).click();
    await until('the diff page', () => page.url().includes('/comparison-diff'));
    const selector = `{service_name="${env('E2E_DIFF_SERVICE')}"}`;
    for (const side of ['Baseline', 'Comparison']) {
      const input = page.getByLabel(`${side} selector`);
      await input.fill(selector);
      await input.press('Escape');
      await input.press('Enter');
    }
    await page.getByLabel('Search functions').fill('');
    await page.getByTestId('diff-legend').waitFor({ state: 'visible', timeout: 20_000 });
    await page.getByTestId('flamegraph-canvas').waitFor({ state: 'visible' });
    const rowOf = (name) => page.locator('[data-testid=top-table] tbody tr', { has: page.locator('td.sym', { hasText: name }) }).first();
    await until('the removed function marked removed', async () => (await rowOf(env('E2E_DIFF_REMOVED')).locator('td').nth(3).innerText()) === 'removed');
    await until('the added function marked new', async () => (await rowOf(env('E2E_DIFF_ADDED')).locator('td').nth(3).innerText()) === 'new');
    const legend = await page.getByTestId('diff-legend').innerText();
    assert.match(legend, /-100%/);
    assert.match(legend, /\+100%/);
    await page.screenshot({ path: join(shots(), 'diff.png') });

    await page.reload();
    await page.getByTestId('diff-legend').waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await page.getByLabel('Baseline selector').inputValue(), selector);
    assert.equal(await page.getByLabel('Comparison selector').inputValue(), selector);
    await until('the same diff after a reload', async () => (await rowOf(env('E2E_DIFF_ADDED')).locator('td').nth(3).innerText()) === 'new');
  });

  it('switches to the light theme and sends the tenant field as X-Scope-OrgID', async () => {
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
    await page.getByRole('link', { name: 'Flame graph' }).click();
    // The sandwich picked before the diff is still part of the view state.
    await page.getByTestId('sandwich-callees').waitFor({ state: 'visible', timeout: 20_000 });
    await page.getByRole('button', { name: 'Reset focus and sandwich' }).click();
    await page.getByTestId('flamegraph-canvas').waitFor({ state: 'visible', timeout: 20_000 });
    await page.screenshot({ path: join(shots(), 'flamegraph-light.png') });
    const request = page.waitForRequest((r) => r.url().includes('/querier.v1.QuerierService/') && r.headers()['x-scope-orgid'] === 'team-a');
    const tenant = page.getByLabel('Tenant');
    await tenant.fill('team-a');
    await tenant.press('Enter');
    await request;
    assert.equal(new URL(page.url()).searchParams.get('tenant'), 'team-a');
  });

  it('raised no page errors', () => {
    assert.deepEqual(errors, []);
  });
});
