// SYS-2 in a browser: the site's default language applies to a browser that
// has chosen none; a browser's own choice wins and stays after a reload.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useStack, openPage, login, visit, screenshot, cli, BIN } from './stack.mjs';

const catalogue = (code) => JSON.parse(readFileSync(join(BIN.www(), 'lang', `${code}.json`), 'utf8'));
const fx = useStack({ now: '2026-04-10T10:00:00Z', days: 3 });

async function menuText(page, id) {
	return (await page.textContent(`nav.side a[href="#/${id}"]`)).trim();
}

test("the site's default language, then the browser's own choice", async () => {
	cli(fx.stack.site, 'settings', 'set', 'language', 'de');
	const page = await openPage(fx.browser);
	await login(page, fx.stack.url, 'user');
	assert.equal(await page.getAttribute('html', 'lang'), 'de');
	assert.equal(await menuText(page, 'consumption'), catalogue('de')['nav.consumption']);

	await page.selectOption('header select#language', 'it');
	await page.waitForFunction(() => document.documentElement.lang === 'it');
	await page.waitForSelector('main[data-ready=true]');
	assert.equal(await menuText(page, 'consumption'), catalogue('it')['nav.consumption']);
	await page.reload();
	await page.waitForSelector('main[data-ready=true]');
	assert.equal(await page.getAttribute('html', 'lang'), 'it');
	await visit(page, fx.stack.url, 'consumption');
	await screenshot(page, 'consumption-italian');
	assert.deepEqual(page.errors, []);
	await page.context().close();
});

test('every language renders the home page in its own words', async () => {
	const page = await openPage(fx.browser);
	await login(page, fx.stack.url, 'user');
	for (const code of ['de', 'en', 'es', 'fr', 'fr-BE', 'el', 'it', 'hu', 'nl-BE', 'nl', 'pl', 'pt', 'ru']) {
		await page.selectOption('header select#language', code);
		await page.waitForFunction((c) => document.documentElement.lang === c, code);
		await page.waitForSelector('main[data-ready=true]');
		assert.equal(await menuText(page, 'alarms'), catalogue(code)['nav.alarms'], code);
	}
	assert.deepEqual(page.errors, []);
	await page.context().close();
});
