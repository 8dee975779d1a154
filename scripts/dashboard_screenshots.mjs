// Screenshots of the dashboard's main views for docs/dashboard_ui.md, in the same headless Chromium
// (Debian's /usr/bin/chromium through tests/e2e's playwright-core) as the browser test.
//
//   build/segcast serve OUT --port 0 &        # prints the URL
//   node scripts/dashboard_screenshots.mjs http://127.0.0.1:PORT/ docs/img kpmg [K]
//
// Saves NAME.png (1440 x 900, the top of the page), NAME-390.png (a 390 px wide phone) and, with K,
// NAME-kK.png: the page re-clustered to k = K by dragging the slider, after the loading state.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'tests', 'e2e', 'package.json'));
const { chromium } = require('playwright-core');
const [url, outDir, name, k] = process.argv.slice(2);
if (!url || !outDir || !name) {
  console.error('usage: node scripts/dashboard_screenshots.mjs URL OUT_DIR NAME [K]');
  process.exit(2);
}
const browser = await chromium.launch({ executablePath: process.env.SEGCAST_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'] });
try {
  for (const [width, height, suffix] of [[1440, 900, ''], [390, 844, '-390']]) {
    const page = await browser.newPage({ viewport: { width, height }, reducedMotion: 'reduce' });
    await page.goto(url);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 120000 });
    await page.screenshot({ path: path.join(outDir, `${name}${suffix}.png`) });
    if (k && !suffix) {
      await page.locator('#k-slider').fill(k);
      await page.waitForFunction((want) => document.getElementById('chart-sizes').dataset.segmentsK === want, k, { timeout: 120000 });
      await page.locator('#persona-card').scrollIntoViewIfNeeded();
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(outDir, `${name}-k${k}.png`) });
    }
    await page.close();
  }
} finally {
  await browser.close();
}
