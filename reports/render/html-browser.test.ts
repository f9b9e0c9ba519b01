/**
 * report.html in a real browser: Debian's headless Chromium driven by playwright-core. No console
 * errors, the filters hide and show rows, a rule opens to its seed quote, `#rule-ID` opens that rule,
 * and hostile evidence (`<script>`) stays text. Skips with the reason when Chromium is not installed
 * (`.ci/run` installs the `chromium` package).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderHtml } from './html.ts';
import { sampleReport } from '../test/fixtures.ts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!CHROMIUM) console.warn('report.html browser test skipped: no Debian chromium at /usr/bin/chromium (apt-get install chromium)');

describe.skipIf(!CHROMIUM)('report.html in headless Chromium', () => {
  let browser: import('playwright-core').Browser;
  let url: string;
  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const dir = mkdtempSync(join(tmpdir(), 'cas-html-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(sampleReport()));
    url = pathToFileURL(file).href;
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
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
    await first.locator('summary').click();
    expect(await first.locator('details').getAttribute('open')).not.toBeNull();
    expect(await first.locator('details .body').innerText()).toMatch(/\S/);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  test('#rule-ID opens that rule', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    const id = await page.locator('tr.rule').nth(1).getAttribute('id');
    await page.goto(`${url}#${id}`);
    await page.reload();
    expect(await page.locator(`#${id} details`).getAttribute('open')).not.toBeNull();
    await page.close();
  }, 60_000);
});
