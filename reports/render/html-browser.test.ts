/**
 * report.html in a real browser: Debian's headless Chromium driven by playwright-core. No console
 * errors, the filters hide and show rows, a rule opens to its seed quote, `#rule-ID` opens that rule,
 * and hostile evidence (`<script>`) stays text. The layout of the golden fixture (issue 15): a reason
 * keeps its line breaks and wraps, failures come first, the legend explains R, S and I, journal
 * events are one line each with the JSON folded away. Skips with the reason when Chromium is not installed
 * (`.ci/run` installs the `chromium` package).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderHtml } from './html.ts';
import { sampleReport } from '../test/fixtures.ts';
import { goldenReport } from '../test/golden-fixture.ts';
import { READING_ORDER } from './presentation.ts';

/** The page's getComputedStyle (the project's tsconfig has no DOM types). */
type Styles = { getComputedStyle(el: unknown): { whiteSpace: string; lineHeight: string; fontSize: string } };

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!CHROMIUM) console.warn('report.html browser test skipped: no Debian chromium at /usr/bin/chromium (apt-get install chromium)');

describe.skipIf(!CHROMIUM)('report.html in headless Chromium', () => {
  let browser: import('playwright-core').Browser;
  let url: string;
  let dir: string | undefined;
  let goldenUrl: string;
  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    dir = mkdtempSync(join(tmpdir(), 'cas-html-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(sampleReport()));
    url = pathToFileURL(file).href;
    writeFileSync(join(dir, 'golden.html'), renderHtml(goldenReport()));
    goldenUrl = pathToFileURL(join(dir, 'golden.html')).href;
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('no console errors; filters hide and show rows; a rule opens to its quote; hostile evidence stays text', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(url);
    const rows = page.locator('tr.rule');
    const total = await rows.count();
    expect(total).toBeGreaterThan(2);
    const visible = async () => page.locator('tr.rule:visible').count();
    expect(await visible()).toBe(total);
    await page.click('button[data-preset="none"]');
    expect(await visible()).toBe(0);
    await page.click('button[data-preset="all"]');
    expect(await visible()).toBe(total);
    // Untick one outcome: its rows disappear, the others stay.
    const firstOutcome = await rows.first().getAttribute('data-outcome');
    const sameOutcome = await page.locator(`tr.rule[data-outcome="${firstOutcome}"]`).count();
    await page.uncheck(`input[type="checkbox"][value="${firstOutcome}"]`);
    expect(await visible()).toBe(total - sameOutcome);
    await page.check(`input[type="checkbox"][value="${firstOutcome}"]`);
    // A rule opens to its seed quote.
    const first = rows.first();
    await first.locator(':scope > td > details > summary').click();
    expect(await first.locator(':scope > td > details').getAttribute('open')).not.toBeNull();
    expect(await first.locator(':scope > td > details > .body').innerText()).toMatch(/\S/);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  test('#rule-ID opens that rule', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    const id = await page.locator('tr.rule').nth(1).getAttribute('id');
    await page.goto(`${url}#${id}`);
    await page.reload();
    expect(await page.locator(`#${id} > td > details`).getAttribute('open')).not.toBeNull();
    await page.close();
  }, 60_000);

  test('layout: failures first, a legend for R/S/I, a multi-line reason wraps, one line per journal event with the JSON folded', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
    await page.goto(`${goldenUrl}#rule-EAS-03`);
    const outcomes = await page.locator('tr.rule').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-outcome')!));
    expect(outcomes[0]).toBe('fail');
    const rank = outcomes.map((o) => READING_ORDER.indexOf(o as never));
    expect(rank).toEqual([...rank].sort((a, b) => a - b));
    // The legend is there and names each level.
    const legend = page.locator('#legend');
    await legend.locator('summary').click();
    const legendText = await legend.innerText();
    for (const l of ['R', 'S', 'I']) expect(legendText).toMatch(new RegExp(`(^|\\n)${l}\\s+\\S`));
    // The EAS-03 reason (3 lines in the report) keeps its line breaks and wraps inside the column.
    const reason = page.locator('#rule-EAS-03 .reason');
    expect(await reason.evaluate((el) => (globalThis as unknown as Styles).getComputedStyle(el).whiteSpace)).toBe('pre-wrap');
    const box = (await reason.boundingBox())!;
    const lineHeight = await reason.evaluate((el) => {
      const st = (globalThis as unknown as Styles).getComputedStyle(el);
      return parseFloat(st.lineHeight) || parseFloat(st.fontSize) * 1.2;
    });
    expect(box.height).toBeGreaterThanOrEqual(3 * lineHeight - 1);
    const cell = (await page.locator('#rule-EAS-03 > td').nth(4).boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(cell.x + cell.width + 1);
    // Journal: one readable line per event; the JSON is folded until asked for.
    const events = page.locator('#rule-EAS-03 ol.journal > li');
    expect(await events.count()).toBe(4);
    expect(await events.first().locator('code.ev').innerText()).toMatch(/^cas2010\.site2 OPTIONS \/Microsoft-Server-ActiveSync\?.* -> 451 \(451/);
    expect(await events.first().locator('details.json pre').isVisible()).toBe(false);
    await events.first().locator('details.json summary').click();
    expect(await events.first().locator('details.json pre').isVisible()).toBe(true);
    // Backticks in titles are code.
    expect(await page.locator('#rule-EAS-03 > td > details > summary code').innerText()).toBe('451');
    if (process.env.CAS_SCREENSHOT) await page.screenshot({ path: process.env.CAS_SCREENSHOT, fullPage: true });
    await page.close();
  }, 60_000);
});
