// End-to-end test of the segcast dashboard in real headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core; no browser download).
//
// It runs `segcast run` twice on the bundled sample (June, then December with --previous so that a
// migration exists), starts `segcast serve OUT --port 0`, opens the page and checks that every chart
// drew something, that the k slider and the DTW/Euclidean toggle re-cluster, that a customer opens,
// that the CSV export matches the API, that the customer values (P(alive), expected revenue, CLV)
// shown in the tables and the customer page are those of the run's clv.csv and segments.json, that
// the forecast draws the actuals without a fitted line and the total as existing + new customers,
// that the older run says it has no previous run, that a store-only server (`serve --db`) shows the
// same customer values, the persona card, the CSV and PNG exports, one request per slider drag with
// a loading note, the focused persona kept across a re-clustering, header sorting and the table's
// filters, a 390 px layout without sideways scrolling and the print stylesheet, that the console
// stayed clean and that no request left the loopback interface. Screenshots go to $SEGCAST_E2E_ARTIFACTS (default: ./e2e-artifacts).
//
// Environment: SEGCAST_BIN (required), SEGCAST_SOURCE_DIR (default: two folders up),
// SEGCAST_CHROMIUM (default /usr/bin/chromium), SEGCAST_E2E_ARTIFACTS.
// Exit codes: 0 pass, 1 fail, 77 skipped (something needed is absent; the reason is printed).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const kSkip = 77;
const here = path.dirname(fileURLToPath(import.meta.url));
const sourceDir = process.env.SEGCAST_SOURCE_DIR || path.resolve(here, '..', '..');
const segcast = process.env.SEGCAST_BIN;
const chromiumPath = process.env.SEGCAST_CHROMIUM || '/usr/bin/chromium';
const artifacts = path.resolve(process.env.SEGCAST_E2E_ARTIFACTS || 'e2e-artifacts');
const sample = path.join(sourceDir, 'data', 'online_retail_sample.csv.gz');
const chartIds = ['chart-sizes', 'chart-radar', 'chart-mix', 'chart-trajectories', 'chart-forecast', 'chart-migration',
  'chart-value'];
// A chart that drew axes, labels and data covers far more than this many non-white pixels; an
// empty ECharts canvas has none.
const kMinInkPixels = 400;
// Generous limits: CI runs this beside the other tests (and again under AddressSanitizer), and the
// first load moves ~1 MB of ECharts through the server's on-the-fly compression.
const kLoadTimeout = 120000;
const kActionTimeout = 30000;

function skip(reason) {
  console.log(`e2e_dashboard: SKIPPED: ${reason}`);
  process.exit(kSkip);
}
const failures = [];
function check(condition, message) {
  if (condition) {
    console.log(`  ok   ${message}`);
  } else {
    console.log(`  FAIL ${message}`);
    failures.push(message);
  }
  return condition;
}
function elapsed(start) { return Number(process.hrtime.bigint() - start) / 1e6; }

// ---------------------------------------------------------------- preconditions
if (!segcast || !fs.existsSync(segcast)) skip(`SEGCAST_BIN is not set or missing (${segcast || 'unset'})`);
if (!fs.existsSync(chromiumPath)) skip(`${chromiumPath} is absent: run scripts/setup.sh (installs Debian's chromium)`);
if (!fs.existsSync(sample)) skip(`bundled sample ${sample} is absent`);
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (error) {
  skip(`playwright-core is not installed in tests/e2e/node_modules: run scripts/setup.sh (${error.code || error.message})`);
}
// `segcast serve --help` succeeds even without the subcommand (CLI11 prints the main help), so the
// subcommand list is what tells.
const mainHelp = spawnSync(segcast, ['--help'], { encoding: 'utf8' });
if (!/^\s*serve\s/m.test(mainHelp.stdout || '')) skip(`${segcast} has no 'serve' subcommand (the dashboard server is not built)`);

// ---------------------------------------------------------------- two runs of the pipeline
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'segcast-e2e-'));
const out = path.join(work, 'out');
fs.mkdirSync(artifacts, { recursive: true });
function runPipeline(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(segcast, ['run', sample, '-o', out, '-q', '--no-backtest', ...args], { encoding: 'utf8' });
  if (result.status !== 0) {
    console.log(`e2e_dashboard: FAIL: segcast run ${args.join(' ')} exited with ${result.status}`);
    console.log(`${result.stdout}${result.stderr}`.trim());
    fs.rmSync(work, { recursive: true, force: true });
    process.exit(1);
  }
  console.log(`segcast run ${args.join(' ')}: ${(elapsed(start) / 1000).toFixed(2)} s`);
}
runPipeline(['--as-of', '2011-07-01']);
runPipeline(['--previous', '2011-07-01']);

// ---------------------------------------------------------------- the servers
// One over the run folders, one over the store alone (the runs wrote OUT/segcast.db by default).
const servers = [];
function startServer(args) {
  const server = spawn(segcast, ['serve', ...args, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  servers.push(server);
  let serverLog = '';
  server.stderr.on('data', (chunk) => { serverLog += chunk; });
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`no ready line from segcast serve within 30 s; stdout: ${stdout}`)), 30000);
    server.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /segcast serve: listening on (http:\/\/127\.0\.0\.1:(\d+)\/)/.exec(stdout);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    server.on('exit', (code) => { clearTimeout(timer); reject(new Error(`segcast serve exited with ${code}: ${serverLog}`)); });
  });
}
let baseUrl;
let storeUrl;
try {
  baseUrl = await startServer([out]);
  storeUrl = await startServer(['--db', `sqlite:${path.join(out, 'segcast.db')}`]);
} catch (error) {
  console.log(`e2e_dashboard: FAIL: ${error.message}`);
  servers.forEach((server) => server.kill('SIGTERM'));
  fs.rmSync(work, { recursive: true, force: true });
  process.exit(1);
}
console.log(`server: ${baseUrl} (run folders), ${storeUrl} (store alone)`);

// The run files the page's figures must come from.
function readCsv(file) { return readCsvText(fs.readFileSync(file)); }
function readCsvText(bytes) {
  // RFC 4180: quoted fields may hold commas, quotes ("") and line breaks.
  const text = bytes.toString('utf8');
  const records = [[]];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const c = text[index];
    if (quoted) {
      if (c === '"' && text[index + 1] === '"') { field += '"'; index += 1; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { records[records.length - 1].push(field); field = ''; }
    else if (c === '\n') { records[records.length - 1].push(field); field = ''; records.push([]); }
    else if (c !== '\r') field += c;
  }
  if (field || records[records.length - 1].length) records[records.length - 1].push(field);
  if (!records[records.length - 1].length) records.pop();
  const [names, ...rows] = records;
  return rows.map((fields) => Object.fromEntries(names.map((name, index) => [name, fields[index]])));
}
const runFolder = (runId) => path.join(out, 'runs', runId);
const clvOf = (runId) => new Map(readCsv(path.join(runFolder(runId), 'clv.csv')).map((row) => [row.customer_id, row]));
// Text the page formats (en-GB: 1,234,567; 99.5%) back to a number.
const digits = (s) => Number(s.replace(/[^0-9.]/g, ''));
const closeMoney = (shown, value) => Math.abs(digits(shown) - Math.round(value)) <= 1;
const closePercent = (shown, value) => Math.abs(digits(shown) - 100 * value) <= 0.051;

let context;
let exitCode = 1;
try {
  // A fresh profile per run: playwright passes it as --user-data-dir.
  context = await chromium.launchPersistentContext(path.join(work, 'chromium-profile'), {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
    // The page then draws without animation, so pixel counts and screenshots see finished charts.
    reducedMotion: 'reduce',
  });
  const page = context.pages()[0] || await context.newPage();
  const consoleErrors = [];
  const foreignRequests = [];
  page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
  page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
  context.on('request', (request) => {
    const url = new URL(request.url());
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (!(loopback || url.protocol === 'data:' || url.protocol === 'blob:')) foreignRequests.push(request.url());
  });

  // The test's own API reads (to compare the page with); one retry covers a keep-alive connection
  // the server closed between two requests.
  const getJson = async (url) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const response = await page.request.get(url);
        if (!response.ok()) throw new Error(`GET ${url}: HTTP ${response.status()}`);
        return await response.json();
      } catch (error) {
        if (attempt >= 2 || !/ECONNRESET|socket hang up/.test(error.message)) throw error;
      }
    }
  };
  // Pixels that are neither transparent nor near-white: what a chart actually drew.
  const inkOf = (id) => page.evaluate((elementId) => {
    const canvases = [...document.querySelectorAll(`#${elementId} canvas`)];
    let ink = 0;
    for (const canvas of canvases) {
      if (!canvas.width || !canvas.height) continue;
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (let offset = 0; offset < data.length; offset += 4) {
        const alpha = data[offset + 3];
        if (alpha > 32 && (data[offset] < 235 || data[offset + 1] < 235 || data[offset + 2] < 235)) ink += 1;
      }
    }
    return { canvases: canvases.length, ink };
  }, id);
  const sizesState = () => page.evaluate(() => {
    const el = document.getElementById('chart-sizes');
    return { k: el.dataset.segmentsK, metric: el.dataset.segmentsMetric, counts: el.dataset.segmentCounts };
  });

  // Clicks a control that downloads a file and returns the file's bytes (saved in the artifacts).
  const downloadOf = async (locator, name) => {
    const pending = page.waitForEvent('download', { timeout: kActionTimeout });
    await locator.click();
    const file = path.join(artifacts, name);
    await (await pending).saveAs(file);
    return fs.readFileSync(file);
  };
  // Re-clustering requests the page sends (GET .../segments?k=...).
  let reclusterRequests = 0;
  page.on('request', (request) => { if (/\/segments\?(.*&)?k=/.test(request.url())) reclusterRequests += 1; });

  // ------------------------------------------------------------ first load
  console.log('page load:');
  const loadStart = process.hrtime.bigint();
  await page.goto(baseUrl, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('body[data-ready="1"]', { timeout: kLoadTimeout });
  const loadMs = elapsed(loadStart);
  console.log(`  first full render: ${loadMs.toFixed(0)} ms (navigation to data-ready)`);
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return { domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd };
  });
  console.log(`  DOMContentLoaded ${timing.domContentLoaded.toFixed(0)} ms, load ${timing.load.toFixed(0)} ms`);

  const runs = (await getJson(`${baseUrl}api/runs`)).runs;
  const latest = runs[0];
  check(runs.length === 2, `two runs listed (${runs.map((r) => r.run_id).join(', ')})`);
  const kpis = (await getJson(`${baseUrl}api/runs/latest/kpis`));
  const text = (selector) => page.locator(selector).innerText();
  check(digits(await text('#kpi-customers')) === kpis.customers, `#kpi-customers shows ${kpis.customers}`);
  check(Math.abs(digits(await text('#kpi-revenue')) - kpis.total_revenue) <= 1, `#kpi-revenue shows ${Math.round(kpis.total_revenue)}`);
  check(Math.abs(digits(await text('#kpi-avg')) - kpis.avg_revenue_per_customer) <= 1, '#kpi-avg is total / customers');
  check(digits(await text('#kpi-segments')) === kpis.segments, `#kpi-segments shows ${kpis.segments}`);

  for (const id of chartIds) {
    const { canvases, ink } = await inkOf(id);
    check(canvases > 0 && ink >= kMinInkPixels, `#${id} rendered (${ink} ink pixels)`);
  }
  check(await page.locator('#chart-migration').getAttribute('data-migration') === 'matrix', 'migration matrix shown for the latest run');

  // What the charts were given, read back from ECharts, against the API.
  const optionOf = (id) => page.evaluate((elementId) => {
    const option = echarts.getInstanceByDom(document.getElementById(elementId)).getOption();
    return { xAxis: option.xAxis, series: option.series.map((s) => ({ name: s.name, type: s.type, data: s.data })) };
  }, id);
  const forecastApi = await getJson(`${baseUrl}api/runs/latest/forecasts`);
  const seriesOf = (name) => forecastApi.series.find((s) => s.series === name);
  const total = seriesOf('total');
  check(total.segment_id === -1 && seriesOf('existing').segment_id === -2 && seriesOf('new').segment_id === -3,
    'forecasts: total -1, existing -2, new -3');
  check(await page.locator('#chart-forecast').getAttribute('data-forecast-series') === 'total', 'forecast chart shows the total first');
  const forecastOptions = await page.locator('#forecast-select option').evaluateAll((options) => options.map((o) => [o.value, o.textContent]));
  check(JSON.stringify(forecastOptions.slice(0, 3)) === JSON.stringify([['total', 'Total (existing + new)'],
    ['existing', 'Existing customers'], ['new', 'New: not yet acquired']]), `forecast series offered: ${forecastOptions.map((o) => o[1]).join(' | ')}`);
  check(forecastOptions.length === forecastApi.series.length, `every forecast series is offered (${forecastOptions.length})`);
  let forecastOption = await optionOf('chart-forecast');
  const seriesData = (option, name) => (option.series.find((s) => s.name === name) || { data: [] }).data;
  const presentIn = (option, name) => seriesData(option, name).filter((v) => v != null).length;
  const actualCount = total.points.filter((p) => p.actual != null).length;
  const futureCount = total.points.filter((p) => !p.is_history).length;
  check(total.points.every((p) => !p.is_history || p.yhat == null), 'the API gives no fitted value over history');
  check(presentIn(forecastOption, 'actual') === actualCount, `forecast chart: ${actualCount} actual months as dots`);
  check(!forecastOption.series.some((s) => s.name === 'model'), 'forecast chart: no fitted line over history');
  check(presentIn(forecastOption, 'forecast') === futureCount, `forecast chart: forecast line over the ${futureCount} forecast months`);
  // The total drawn as its two parts stacked: existing + new = the total's forecast, month by month.
  const partsExisting = seriesData(forecastOption, 'existing customers');
  const partsNew = seriesData(forecastOption, 'not yet acquired');
  const totalLine = seriesData(forecastOption, 'forecast');
  const partsAddUp = totalLine.every((value, index) => value == null ||
    Math.abs(partsExisting[index] + partsNew[index] - value) <= 1e-6 * Math.max(1, value));
  check(partsExisting.filter((v) => v != null).length === futureCount && partsAddUp,
    'forecast chart: the total is stacked from existing and not-yet-acquired customers that add up to it');
  const partialText = await text('#forecast-explain');
  check(!total.partial_month || partialText.includes(`${total.partial_month.month} is partial`), `forecast explains the partial month (${total.partial_month ? total.partial_month.month : 'none'})`);
  for (const [name, history] of [['existing', true], ['new', false]]) {
    await page.locator('#forecast-select').selectOption(name);
    await page.waitForFunction((n) => document.getElementById('chart-forecast').dataset.forecastSeries === n, name, { timeout: kActionTimeout });
    forecastOption = await optionOf('chart-forecast');
    const api = seriesOf(name);
    check(presentIn(forecastOption, 'actual') === api.points.filter((p) => p.actual != null).length &&
      (history ? presentIn(forecastOption, 'actual') > 0 : presentIn(forecastOption, 'actual') === 0),
      `forecast chart "${name}": ${api.points.filter((p) => p.actual != null).length} actual months`);
    check(presentIn(forecastOption, 'forecast') === api.points.filter((p) => !p.is_history).length &&
      !forecastOption.series.some((s) => s.name === 'existing customers'),
      `forecast chart "${name}": its forecast alone, no stacked parts`);
    const { ink } = await inkOf('chart-forecast');
    check(ink >= kMinInkPixels, `#chart-forecast "${name}" rendered (${ink} ink pixels)`);
    await page.locator('#chart-forecast').screenshot({ path: path.join(artifacts, `chart-forecast-${name}.png`) });
  }
  await page.locator('#forecast-select').selectOption('total');
  await page.waitForFunction(() => document.getElementById('chart-forecast').dataset.forecastSeries === 'total', null, { timeout: kActionTimeout });

  // Customer value by segment: segments.json's "value" of the run's own segments.
  const segmentsFile = JSON.parse(fs.readFileSync(path.join(runFolder(latest.run_id), 'segments.json'), 'utf8'));
  const valueRows = await page.locator('#value-table tbody tr[data-segment-id]').evaluateAll((rows) => rows.map((row) =>
    Object.fromEntries([['segment_id', row.dataset.segmentId], ...[...row.cells].map((cell) => [cell.dataset.field, cell.textContent])])));
  check(valueRows.length === segmentsFile.segments.length, `value table lists the run's ${segmentsFile.segments.length} segments`);
  let valuesMatch = valueRows.length > 0;
  for (const row of valueRows) {
    const written = segmentsFile.segments.find((s) => String(s.segment) === row.segment_id).value;
    valuesMatch = valuesMatch && written != null && closeMoney(row.expected_revenue, written.expected_revenue) &&
      closePercent(row.likely_lost_share, written.likely_lost_share) && closePercent(row.mean_p_alive, written.mean_p_alive) &&
      closeMoney(row.mean_clv, written.mean_clv);
  }
  check(valuesMatch, `value table: expected revenue, likely lost, mean P(alive) and mean CLV of segments.json (${valueRows.map((r) => r.expected_revenue).join(', ')})`);
  const valueOption = await optionOf('chart-value');
  const bars = seriesData(valueOption, 'expected revenue').map((bar) => (bar && bar.value != null ? bar.value : bar));
  check(bars.length === segmentsFile.segments.length && bars.every((bar, index) =>
    Math.abs(bar - [...segmentsFile.segments].sort((a, b) => a.segment - b.segment)[index].value.expected_revenue) < 1e-6),
  'value chart: one bar per segment at its expected revenue');
  const migrationApi = await getJson(`${baseUrl}api/runs/latest/migration`);
  const migrationOption = await optionOf('chart-migration');
  const drawn = migrationOption.series[0].data.reduce((sum, cell) => sum + (cell.value ? cell.value[2] : cell[2]), 0);
  const moved = migrationApi.cells.reduce((sum, cell) => sum + cell.customers, 0);
  check(drawn === moved, `migration heatmap holds all ${moved} customers of the API's cells`);
  const sizesOption = await optionOf('chart-sizes');
  check(sizesOption.xAxis[0].data.length === kpis.segments, `sizes chart has ${kpis.segments} segments`);
  // The persona card: the focused segment's description and evidence as segments.json has them,
  // and its recommended action when the run wrote one.
  const focusedId = Number(await page.locator('#segment-select').inputValue());
  const focusedFile = segmentsFile.segments.find((s) => s.segment === focusedId);
  check((await text('#persona-name')).includes(focusedFile.name), `persona card names the focused segment (${focusedFile.name})`);
  check(focusedFile.description && (await text('#persona-description')) === focusedFile.description,
    `persona card shows its description ("${focusedFile.description}")`);
  check((await page.locator('#persona-evidence').textContent()) === focusedFile.evidence, 'persona card holds its evidence');
  if (focusedFile.action) {
    check((await text('#persona-action-name')) === focusedFile.action.name && (await text('#persona-action-why')) === focusedFile.action.why,
      `persona card shows the recommended action (${focusedFile.action.name})`);
  } else {
    check(await page.locator('#persona-action').isHidden(), 'no recommended action in segments.json: none shown');
  }
  // Exports: the segment summary and the forecasts as CSV, a chart as PNG.
  const summaryCsv = readCsvText(await downloadOf(page.locator('#export-segments'), 'segments-summary.csv'));
  check(summaryCsv.length === segmentsFile.segments.length && summaryCsv.every((row) => {
    const written = segmentsFile.segments.find((s) => String(s.segment) === row.segment_id);
    return written && row.name === written.name && Number(row.customers) === written.customers &&
      Number(row.revenue) === written.revenue && Number(row.expected_revenue) === written.value.expected_revenue &&
      row.description === written.description;
  }), `segment summary CSV: ${summaryCsv.length} rows with segments.json's names, customers, revenue and expected revenue`);
  const forecastCsv = readCsvText(await downloadOf(page.locator('#export-forecast'), 'forecasts.csv'));
  const forecastPoints = forecastApi.series.reduce((sum, series) => sum + series.points.length, 0);
  const totalRows = forecastCsv.filter((row) => row.series === 'total');
  check(forecastCsv.length === forecastPoints && totalRows.length === total.points.length &&
    totalRows.every((row, index) => (total.points[index].yhat == null ? row.yhat === '' : Number(row.yhat) === total.points[index].yhat)),
  `forecast CSV: all ${forecastPoints} points of ${forecastApi.series.length} series, the total's as the API gives them`);
  const png = await downloadOf(page.locator('.png-export[data-chart="chart-sizes"]'), 'export-sizes.png');
  check(png.length > 2000 && png.subarray(1, 4).toString() === 'PNG', `PNG export of the sizes chart (${png.length} bytes)`);
  // One "other" slice at most: the server's folded tail and the donut's own are one slice.
  const slices = (await page.locator('#chart-mix').getAttribute('data-mix-slices')).split('|');
  check(slices.filter((slice) => /^\(?other\)?:/.test(slice)).length <= 1 && !slices.some((slice) => slice.startsWith('(other)')),
    `mix donut has at most one "other" slice (${slices.length} slices)`);
  const sizesAxis = (await page.evaluate(() => echarts.getInstanceByDom(document.getElementById('chart-sizes')).getOption()));
  check(sizesAxis.grid[0].containLabel === true && sizesAxis.xAxis[0].axisLabel.overflow !== 'truncate',
    'sizes chart: the grid holds the axis labels, none is truncated');
  // A segment that kept its id while its persona changed counts as moved.
  const fromName = new Map(migrationApi.segments_from.map((s) => [s.segment_id, s.name]));
  const toName = new Map(migrationApi.segments_to.map((s) => [s.segment_id, s.name]));
  const personaChanged = migrationApi.cells.filter((c) => c.from >= 0 && c.from === c.to && fromName.get(c.from) !== toName.get(c.to))
    .reduce((sum, c) => sum + c.customers, 0);
  check(Number(await page.locator('#chart-migration').getAttribute('data-persona-changed')) === personaChanged &&
    (await text('#migration-explain')).includes(`${(migrationApi.moved + personaChanged).toLocaleString('en-GB')} changed persona`),
  `migration counts ${personaChanged} customers whose segment kept its id but changed persona as moved`);
  check(await page.locator('#forecast-scope').isHidden(), 'no scope note on the forecast for the run\'s own segments');

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(artifacts, 'dashboard.png'), fullPage: true });
  for (const id of chartIds) await page.locator(`#${id}`).screenshot({ path: path.join(artifacts, `${id}.png`) });

  // ------------------------------------------------------------ k slider and metric toggle
  console.log('re-clustering:');
  const initial = await sizesState();
  check(Number(initial.k) === latest.k, `initial segmentation has the run's k = ${latest.k}`);
  const newK = latest.k === 4 ? 5 : 4;
  const focusName = (await text('#persona-name')).replace(/^\d+ /, '');
  // Whether the loading state showed while the server worked.
  await page.evaluate(() => {
    window.sawLoading = '';
    new MutationObserver(() => {
      if (document.body.dataset.loading === '1') window.sawLoading = document.getElementById('loading-note').textContent;
    }).observe(document.body, { attributes: true, attributeFilter: ['data-loading'] });
  });
  // A real drag with the mouse: to k = 8, back to the new k, then released. Every step fires an
  // "input" event; only the release may send a request.
  const box = await page.locator('#k-slider').boundingBox();
  const thumbX = (k) => box.x + 8 + ((k - 2) / 6) * (box.width - 16);
  const requestsBefore = reclusterRequests;
  let start = process.hrtime.bigint();
  await page.mouse.move(thumbX(latest.k), box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(thumbX(8), box.y + box.height / 2, { steps: 12 });
  await page.mouse.move(thumbX(newK), box.y + box.height / 2, { steps: 12 });
  check((await text('#k-value')) === String(newK), `the k label follows the drag (${await text('#k-value')})`);
  await page.mouse.up();
  await page.waitForFunction((k) => document.getElementById('chart-sizes').dataset.segmentsK === String(k), newK, { timeout: kActionTimeout });
  console.log(`  k ${latest.k} -> ${newK}: charts redrawn after ${elapsed(start).toFixed(0)} ms (drag and release)`);
  check(reclusterRequests - requestsBefore === 1, `dragging the slider over 2 x 12 steps sent one request (${reclusterRequests - requestsBefore})`);
  const sawLoading = await page.evaluate(() => window.sawLoading);
  check(sawLoading.includes(`Re-clustering k = ${newK}`), `a loading note showed while re-clustering ("${sawLoading.slice(0, 60)}")`);
  // The charts are drawn first, then the new segment's customer table loads: the note stays until both.
  await page.waitForFunction(() => document.body.dataset.loading === '0', null, { timeout: kActionTimeout }).catch(() => {});
  check(await page.locator('#loading-note').isHidden() && (await page.locator('#segment-views').getAttribute('aria-busy')) === 'false',
    'the loading note is gone once the charts and the customer table are redrawn');
  const reclustered = await getJson(`${baseUrl}api/runs/latest/segments?k=${newK}&metric=${(await sizesState()).metric}`);
  const rule = (name) => name.replace(/ \(\d+\)$/, '');
  const samePersona = reclustered.segments.find((s) => s.name === focusName) || reclustered.segments.find((s) => rule(s.name) === rule(focusName));
  if (samePersona) {
    check(Number(await page.locator('#segment-select').inputValue()) === samePersona.segment_id,
      `the focused persona "${focusName}" stays in focus (segment ${samePersona.segment_id} of the re-clustering)`);
  } else {
    check((await text('#persona-scope')).includes(`"${focusName}" is not among`), `the page says "${focusName}" is gone from the re-clustering`);
  }
  check(await page.locator('#forecast-scope').isVisible() && (await text('#forecast-scope')).includes(`run's own ${latest.k} segments`) &&
    (await text('#migration-scope')).includes(`run's own ${latest.k} segments`),
  'forecast and migration say they describe the run\'s own segments');
  const afterK = await sizesState();
  const countsK = afterK.counts.split(',').map(Number);
  check(countsK.length === newK, `${newK} segments after moving the slider (${afterK.counts})`);
  check(countsK.reduce((a, b) => a + b, 0) === kpis.customers, 'segment sizes add up to all customers');
  check(Number(await text('#kpi-segments')) === newK, '#kpi-segments follows the slider');
  check((await page.locator('#segment-select option').count()) === newK, '#segment-select lists the new segments');

  const otherMetric = afterK.metric === 'dtw' ? 'euclidean' : 'dtw';
  start = process.hrtime.bigint();
  await page.locator(`label[for="metric-${otherMetric}"]`).click();
  await page.waitForFunction((metric) => document.getElementById('chart-sizes').dataset.segmentsMetric === metric, otherMetric, { timeout: kActionTimeout });
  console.log(`  metric ${afterK.metric} -> ${otherMetric}: charts redrawn after ${elapsed(start).toFixed(0)} ms`);
  const afterMetric = await sizesState();
  check(afterMetric.k === String(newK), `k stays ${newK} after toggling the metric`);
  const direct = await getJson(`${baseUrl}api/runs/latest/segments?k=${newK}&metric=${otherMetric}`);
  check(afterMetric.counts === direct.segments.map((s) => s.customers).join(','),
    `page shows the server's ${otherMetric} re-clustering (${afterMetric.counts})`);
  const dtwMeans = await getJson(`${baseUrl}api/runs/latest/segments?k=${newK}&metric=${afterK.metric}`);
  const signature = (s) => JSON.stringify(s.segments.map((x) => [x.customers, x.mean]));
  check(signature(direct) !== signature(dtwMeans), `${otherMetric} and ${afterK.metric} segmentations differ at k = ${newK}`);
  for (const id of ['chart-sizes', 'chart-radar', 'chart-mix', 'chart-trajectories']) {
    const { ink } = await inkOf(id);
    check(ink >= kMinInkPixels, `#${id} redrawn after re-clustering (${ink} ink pixels)`);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(artifacts, 'dashboard-reclustered.png'), fullPage: true });

  // ------------------------------------------------------------ customer table, search, export
  console.log('customers:');
  const focus = await page.locator('#segment-select').inputValue();
  const rows = page.locator('#customer-table tbody tr[data-customer-id]');
  await rows.first().waitFor({ timeout: kActionTimeout });
  const tableApi = await getJson(
    `${baseUrl}api/runs/latest/segments/${focus}/customers?page=1&page_size=25&k=${newK}&metric=${otherMetric}`);
  check(await rows.count() === Math.min(25, tableApi.total), `table page shows ${Math.min(25, tableApi.total)} rows of ${tableApi.total}`);
  check(await rows.first().getAttribute('data-customer-id') === tableApi.customers[0].customer_id, 'table order matches the API (monetary, highest first)');
  // P(alive), expected revenue and CLV of every row shown: clv.csv's figures.
  const clv = clvOf(latest.run_id);
  const tableValues = async () => page.locator('#customer-table tbody tr[data-customer-id]').evaluateAll((trs) => trs.map((row) =>
    Object.fromEntries([...row.cells].map((cell) => [cell.dataset.field, cell.textContent]))));
  const matchesClv = (shownRows, file) => shownRows.length > 0 && shownRows.every((row) => {
    const written = file.get(row.customer_id);
    return written && closePercent(row.p_alive, Number(written.p_alive)) &&
      closeMoney(row.expected_revenue, Number(written.expected_revenue)) && closeMoney(row.clv, Number(written.clv));
  });
  const shown = await tableValues();
  check(matchesClv(shown, clv), `table: P(alive), expected revenue and CLV of clv.csv for all ${shown.length} rows` +
    ` (first: ${shown.length ? `${shown[0].p_alive}, ${shown[0].expected_revenue}, ${shown[0].clv}` : 'none'})`);
  check((await text('#th-clv')).includes('12 months') && (await text('#th-expected')).includes('next 6 months'),
    `table headers name the horizons (${await text('#th-expected')}; ${await text('#th-clv')})`);

  if (tableApi.total > 25) {
    const page2 = await getJson(
      `${baseUrl}api/runs/latest/segments/${focus}/customers?page=2&page_size=25&k=${newK}&metric=${otherMetric}`);
    await page.locator('#page-next').click();
    await page.waitForFunction((id) => document.querySelector('#customer-table tbody tr')?.dataset.customerId === id,
      page2.customers[0].customer_id, { timeout: kActionTimeout }).then(() => check(true, 'Next shows the API\'s page 2'),
      () => check(false, 'Next shows the API\'s page 2'));
    await page.locator('#page-prev').click();
    await page.waitForFunction((id) => document.querySelector('#customer-table tbody tr')?.dataset.customerId === id,
      tableApi.customers[0].customer_id, { timeout: kActionTimeout });
  }

  const download = page.waitForEvent('download', { timeout: kActionTimeout });
  await page.locator('#export-csv').click();
  const csvPath = path.join(artifacts, 'export.csv');
  await (await download).saveAs(csvPath);
  const csvLines = fs.readFileSync(csvPath, 'utf8').trim().split('\n');
  check(csvLines[0] === 'customer_id,country,recency,frequency,monetary,distance,p_alive,expected_revenue,clv', `CSV header (${csvLines[0]})`);
  check(csvLines.length - 1 === tableApi.total, `CSV has every customer of the segment (${csvLines.length - 1})`);
  const exported = readCsv(csvPath);
  check(exported.every((row) => clv.has(row.customer_id) && Number(row.clv) === Number(clv.get(row.customer_id).clv) &&
    Number(row.p_alive) === Number(clv.get(row.customer_id).p_alive)), 'CSV export: the CLV and P(alive) of clv.csv for every row');

  // Sorting by a column header: first highest first, again lowest first, as the API orders them.
  for (const order of ['desc', 'asc']) {
    const sorted = await getJson(`${baseUrl}api/runs/latest/segments/${focus}/customers?page=1&page_size=25` +
      `&sort=recency&order=${order}&k=${newK}&metric=${otherMetric}`);
    await page.locator('#customer-table th[data-sort="recency"] button').click();
    const wanted = sorted.customers.map((c) => c.customer_id).join(',');
    await page.waitForFunction((ids) => [...document.querySelectorAll('#customer-table tbody tr')].map((r) => r.dataset.customerId).join(',') === ids,
      wanted, { timeout: kActionTimeout }).then(() => check(true, `sorted by recency ${order}: the API's order`),
      () => check(false, `sorted by recency ${order}: the API's order`));
    check((await page.locator('#customer-table th[data-sort="recency"]').getAttribute('aria-sort')) === (order === 'asc' ? 'ascending' : 'descending'),
      `the recency header says ${order === 'asc' ? 'ascending' : 'descending'}`);
  }
  await page.locator('#customer-table th[data-sort="monetary"] button').click();
  await page.waitForFunction((id) => document.querySelector('#customer-table tbody tr')?.dataset.customerId === id,
    tableApi.customers[0].customer_id, { timeout: kActionTimeout });

  // Filtering the table: a country of the segment, then months of activity, as the API filters them.
  await page.locator('#filter-column').selectOption('country');
  const chosen = await page.locator('#filter-value').inputValue();
  const fromMonth = kpis.last_month.slice(0, 5) + String(Math.max(1, Number(kpis.last_month.slice(5)) - 2)).padStart(2, '0');
  await page.locator('#filter-from').fill(fromMonth);
  const filtered = await getJson(`${baseUrl}api/runs/latest/segments/${focus}/customers?page=1&page_size=25` +
    `&where=country&value=${encodeURIComponent(chosen)}&active_from=${fromMonth}&k=${newK}&metric=${otherMetric}`);
  const filteredIds = filtered.customers.map((c) => c.customer_id).join(',');
  await page.waitForFunction((ids) => [...document.querySelectorAll('#customer-table tbody tr')].map((r) => r.dataset.customerId || '').join(',') === ids,
    filteredIds, { timeout: kActionTimeout }).then(() => check(true, `filter country = ${chosen}, active from ${fromMonth}: the API's ${filtered.total} customers`),
    () => check(false, `filter country = ${chosen}, active from ${fromMonth}: the API's ${filtered.total} customers`));
  check(filtered.customers.every((c) => c.country === chosen) && (await text('#page-info')).includes(`${filtered.total.toLocaleString('en-GB')} customers`),
    'filtered rows all have the chosen country and the pager counts them');
  check((await page.locator('#export-csv').getAttribute('href')).includes(`active_from=${fromMonth}`), 'the CSV export carries the filter');
  // The KPIs and the segment sizes follow the filter, as the API counts them.
  const filterQuery = `where=country&value=${encodeURIComponent(chosen)}&active_from=${fromMonth}`;
  const filteredKpis = await getJson(`${baseUrl}api/runs/latest/kpis?${filterQuery}`);
  const filteredSegments = await getJson(`${baseUrl}api/runs/latest/segments?${filterQuery}&k=${newK}&metric=${otherMetric}`);
  const filteredCounts = filteredSegments.segments.map((s) => s.filtered.customers).join(',');
  check(filteredKpis.filtered === true && filteredKpis.customers < kpis.customers &&
    filteredSegments.segments.reduce((sum, s) => sum + s.filtered.customers, 0) === filteredKpis.customers,
    `the API's filtered KPIs (${filteredKpis.customers} customers) add up over the segments`);
  await page.waitForFunction(([customers, counts]) => document.getElementById('kpi-customers').textContent.replace(/\D/g, '') === String(customers) &&
    document.getElementById('chart-sizes').dataset.segmentCounts === counts && !document.getElementById('sizes-filter-note').hidden,
  [filteredKpis.customers, filteredCounts], { timeout: kActionTimeout }).then(
    () => check(true, `filtered: KPI customers ${filteredKpis.customers} and segment sizes ${filteredCounts}, with the note`),
    () => check(false, `filtered: KPI customers ${filteredKpis.customers} and segment sizes ${filteredCounts}, with the note`));
  await page.locator('#filter-clear').click();
  await page.waitForFunction((id) => document.querySelector('#customer-table tbody tr')?.dataset.customerId === id,
    tableApi.customers[0].customer_id, { timeout: kActionTimeout });
  await page.waitForFunction((customers) => document.getElementById('kpi-customers').textContent.replace(/\D/g, '') === String(customers) &&
    document.getElementById('chart-sizes').dataset.filtered === '0' && document.getElementById('sizes-filter-note').hidden,
  kpis.customers, { timeout: kActionTimeout }).then(() => check(true, 'clearing the filter restores the KPIs and sizes'),
    () => check(false, 'clearing the filter restores the KPIs and sizes'));

  const firstId = tableApi.customers[0].customer_id;
  const needle = firstId.slice(0, Math.max(1, firstId.length - 1));
  await page.locator('#customer-search').fill(needle);
  await page.waitForFunction((n) => {
    const ids = [...document.querySelectorAll('#customer-table tbody tr')].map((r) => r.dataset.customerId || '');
    return ids.length > 0 && ids.every((id) => id.includes(n) || false);
  }, needle, { timeout: kActionTimeout }).then(() => check(true, `search "${needle}" keeps only matching rows`),
    () => check(false, `search "${needle}" keeps only matching rows`));

  start = process.hrtime.bigint();
  await rows.first().click();
  await page.locator('#customer-detail').waitFor({ state: 'visible', timeout: kActionTimeout });
  await page.waitForFunction(() => document.querySelectorAll('#neighbour-list li').length > 0, null, { timeout: kActionTimeout });
  console.log(`  customer opened in ${elapsed(start).toFixed(0)} ms`);
  const customerInk = await inkOf('chart-customer');
  check(customerInk.ink >= kMinInkPixels, `#chart-customer rendered (${customerInk.ink} ink pixels)`);
  check((await text('#detail-title')).includes(firstId), `detail shows customer ${firstId}`);
  const fact = (name) => page.locator(`#detail-facts dd[data-fact="${name}"]`).innerText();
  const firstClv = clv.get(firstId);
  check(closePercent(await fact('p_alive'), Number(firstClv.p_alive)) &&
    closeMoney(await fact('expected_revenue'), Number(firstClv.expected_revenue)) &&
    closeMoney(await fact('clv'), Number(firstClv.clv)) &&
    Math.abs(digits(await fact('expected_purchases')) - Number(firstClv.expected_purchases)) <= 0.006,
  `customer page: P(alive) ${await fact('p_alive')}, expected revenue ${await fact('expected_revenue')},` +
    ` CLV ${await fact('clv')} as in clv.csv`);
  check(await page.locator('#neighbour-list li').count() >= 1, 'neighbours listed');
  await page.locator('#customer-detail').screenshot({ path: path.join(artifacts, 'customer.png') });

  // ------------------------------------------------------------ the older run has no previous run
  console.log('older run:');
  const older = runs[runs.length - 1].run_id;
  await page.locator('#run-select').selectOption(older);
  await page.waitForFunction(() => document.getElementById('chart-migration').dataset.migration === 'none', null, { timeout: kActionTimeout });
  check(/no previous run/i.test(await text('#migration-explain')), `run ${older} says it has no previous run`);
  const olderInk = await inkOf('chart-migration');
  check(olderInk.ink > 0, 'the migration panel shows the message');
  await page.locator('#chart-migration').screenshot({ path: path.join(artifacts, 'chart-migration-none.png') });

  // ------------------------------------------------------------ the store alone
  console.log('store-only server:');
  const storePage = await context.newPage();
  storePage.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(`store page: ${message.text()}`); });
  storePage.on('pageerror', (error) => consoleErrors.push(`store page error: ${error.message}`));
  await storePage.goto(storeUrl, { waitUntil: 'domcontentloaded' });
  await storePage.waitForSelector('body[data-ready="1"]', { timeout: kLoadTimeout });
  const storeRuns = (await getJson(`${storeUrl}api/runs`)).runs;
  check(storeRuns.length === 2 && storeRuns.every((r) => r.source === 'store'), 'the store-only server lists both runs from the store');
  await storePage.locator('#customer-table tbody tr[data-customer-id]').first().waitFor({ timeout: kActionTimeout });
  const storeShown = await storePage.locator('#customer-table tbody tr[data-customer-id]').evaluateAll((trs) => trs.map((row) =>
    Object.fromEntries([...row.cells].map((cell) => [cell.dataset.field, cell.textContent]))));
  check(matchesClv(storeShown, clvOf(storeRuns[0].run_id)),
    `store-only table: P(alive), expected revenue and CLV of clv.csv for all ${storeShown.length} rows`);
  check(await storePage.locator('#value-table tbody tr[data-segment-id]').count() === segmentsFile.segments.length,
    'store-only value table lists the segments');
  const storeInk = await storePage.evaluate(() => {
    const canvas = document.querySelector('#chart-value canvas');
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let ink = 0;
    for (let offset = 0; offset < data.length; offset += 4) {
      if (data[offset + 3] > 32 && (data[offset] < 235 || data[offset + 1] < 235 || data[offset + 2] < 235)) ink += 1;
    }
    return ink;
  });
  check(storeInk >= kMinInkPixels, `store-only #chart-value rendered (${storeInk} ink pixels)`);
  await storePage.locator('#customer-table tbody tr[data-customer-id]').first().click();
  await storePage.locator('#customer-detail').waitFor({ state: 'visible', timeout: kActionTimeout });
  const storeFirst = storeShown[0].customer_id;
  await storePage.waitForFunction(() => document.querySelector('#detail-facts dd[data-fact="clv"]') !== null, null, { timeout: kActionTimeout });
  check(closeMoney(await storePage.locator('#detail-facts dd[data-fact="clv"]').innerText(),
    Number(clvOf(storeRuns[0].run_id).get(storeFirst).clv)), `store-only customer page: the CLV of ${storeFirst} from the store`);
  check(await storePage.locator('#error-banner').isHidden(), 'store-only page: no error banner');
  await storePage.screenshot({ path: path.join(artifacts, 'dashboard-store.png'), fullPage: true });
  await storePage.close();

  // ------------------------------------------------------------ a phone and paper
  console.log('390 px and print:');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(baseUrl, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('body[data-ready="1"]', { timeout: kLoadTimeout });
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  check(widths[0] <= widths[1], `no sideways scrolling at 390 px (page ${widths[0]} px in a ${widths[1]} px window)`);
  for (const id of ['chart-sizes', 'chart-mix', 'chart-forecast']) {
    const { ink } = await inkOf(id);
    check(ink >= kMinInkPixels, `#${id} drawn at 390 px (${ink} ink pixels)`);
  }
  await page.screenshot({ path: path.join(artifacts, 'dashboard-390.png'), fullPage: true });
  await page.emulateMedia({ media: 'print' });
  const printed = await page.evaluate(() => ({ sidebar: getComputedStyle(document.querySelector('.sidebar')).display,
    tools: getComputedStyle(document.querySelector('.card > .chart-tools')).display }));
  check(printed.sidebar === 'none' && printed.tools === 'none', 'print stylesheet leaves the controls off the page');
  await page.emulateMedia({ media: 'screen' });
  await page.setViewportSize({ width: 1440, height: 900 });

  // ------------------------------------------------------------ a second load (cached assets)
  const reloadStart = process.hrtime.bigint();
  await page.goto(baseUrl, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('body[data-ready="1"]', { timeout: kLoadTimeout });
  const reloadMs = elapsed(reloadStart);
  console.log(`second load (assets cached): first full render ${reloadMs.toFixed(0)} ms`);

  // ------------------------------------------------------------ hygiene
  console.log('hygiene:');
  check(consoleErrors.length === 0, `no console errors${consoleErrors.length ? ': ' + consoleErrors.join(' | ') : ''}`);
  check(foreignRequests.length === 0, `no request left loopback${foreignRequests.length ? ': ' + foreignRequests.join(' ') : ''}`);
  const bannerHidden = await page.locator('#error-banner').isHidden();
  check(bannerHidden, 'no error banner');

  fs.writeFileSync(path.join(artifacts, 'figures.json'), JSON.stringify({
    first_render_ms: Math.round(loadMs), second_load_render_ms: Math.round(reloadMs), dom_content_loaded_ms: Math.round(timing.domContentLoaded),
    load_ms: Math.round(timing.load), chromium: context.browser() ? context.browser().version() : spawnSync(chromiumPath, ['--version'], { encoding: 'utf8' }).stdout.trim(), viewport: '1440x900',
  }, null, 2) + '\n');
  console.log(`screenshots: ${artifacts}`);
  exitCode = failures.length ? 1 : 0;
} catch (error) {
  console.log(`e2e_dashboard: error: ${error.stack || error}`);
  exitCode = 1;
} finally {
  if (context) await context.close().catch(() => {});
  servers.forEach((server) => server.kill('SIGTERM'));
  fs.rmSync(work, { recursive: true, force: true });
}
if (failures.length) console.log(`e2e_dashboard: ${failures.length} check(s) failed`);
else if (exitCode === 0) console.log('e2e_dashboard: all checks passed');
process.exit(exitCode);
