// UI-1..3: every page and every view (its tabs) of the demo site renders
// with data, without a console error, on a desktop and on a phone (360×640)
// with no horizontal scrolling. A screenshot of each is kept as an artifact.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, openPage, login, visit, screenshot, DESKTOP, PHONE, PAGE_OF_RIGHT } from './stack.mjs';

const fx = useStack({ now: '2026-04-10T10:00:00Z', days: 45 });

// The views of a page: its own address and the tabs it shows.
async function views(page, id) {
	await visit(page, fx.stack.url, id);
	const tabs = await page.$$eval('main nav.tabs a', (as) => as.map((a) => a.getAttribute('href')));
	return [`#/${id}`, ...tabs.filter((h) => h && h.startsWith('#/') && h !== `#/${id}`)];
}

async function checkView(page, hash, name, viewport) {
	const ready = await visit(page, fx.stack.url, hash.replace(/^#\//, ''));
	assert.equal(ready, 'true', `${hash} did not render: ${await page.textContent('main')}`);
	// Let live values and charts settle before judging the page.
	await page.waitForTimeout(300);
	assert.ok(!(await page.$('main .page-error:not([hidden])')), `${hash}: ${await page.textContent('main')}`);
	const text = (await page.textContent('main')).replace(/\s+/g, ' ');
	assert.ok(text.length > 80, `${hash} shows almost nothing: ${text}`);
	if (viewport === PHONE) {
		const width = await page.evaluate(() => document.documentElement.scrollWidth);
		assert.ok(width <= PHONE.width, `${hash} scrolls sideways on a phone: ${width} px`);
	}
	await screenshot(page, name);
}

for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
	test(`every page renders with data (${label})`, async () => {
		const page = await openPage(fx.browser, viewport);
		// greenUp has every page of the manual that exists so far.
		await login(page, fx.stack.url, 'greenUp');
		await checkView(page, '#/', `${label}-home`, viewport);
		await checkView(page, '#/account', `${label}-account`, viewport);
		for (const id of Object.values(PAGE_OF_RIGHT)) {
			for (const hash of await views(page, id)) {
				const name = `${label}-${hash.replace(/^#\//, '').replace(/[^a-z0-9]+/gi, '-')}`;
				await checkView(page, hash, name, viewport);
			}
		}
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});
}
