// UI-1, USR-1..4 in a browser: each default user logs in through the form
// (PIN, then PUK on this new browser), sees exactly its pages in the menu and
// on the home page, and gets "not found" for a page it has no right to.
// Logout asks only the PIN next time; Lock asks the PUK again.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, openPage, login, visit, screenshot, USERS, PAGE_OF_RIGHT } from './stack.mjs';

const fx = useStack({ now: '2026-04-10T10:00:00Z', days: 20 });

for (const who of Object.keys(USERS)) {
	test(`${who} sees only its pages`, async () => {
		const page = await openPage(fx.browser);
		await login(page, fx.stack.url, who);
		const expected = USERS[who].pages.map((r) => PAGE_OF_RIGHT[r]).filter(Boolean);
		const menu = await page.$$eval('nav.side a', (as) => as.map((a) => a.getAttribute('href').replace('#/', '')).filter(Boolean));
		assert.deepEqual(menu.sort(), [...expected].sort());
		const tiles = await page.$$eval('.tiles a', (as) => as.map((a) => a.getAttribute('href').replace('#/', '')));
		assert.deepEqual(tiles.sort(), [...expected].sort());
		await screenshot(page, `home-${who}`);
		for (const id of Object.values(PAGE_OF_RIGHT)) {
			if (!expected.includes(id)) {
				await visit(page, fx.stack.url, id);
				assert.equal(await page.getAttribute('main', 'data-page'), 'not-found', `${who} must not see #/${id}`);
			}
		}
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});
}

test('logout asks only the PIN, lock asks the PUK again', async () => {
	const page = await openPage(fx.browser);
	const u = USERS.installer;
	await login(page, fx.stack.url, 'installer');
	await page.click('header button:text("Log out")');
	await page.waitForSelector('input[name=pin]');
	assert.equal(await page.isHidden('input[name=puk]'), true);
	await page.fill('input[name=pin]', u.pin);
	await page.click('form button[type=submit]');
	await page.waitForSelector('main[data-ready=true]');
	await page.click('header button:text("Lock")');
	await page.waitForSelector('input[name=pin]');
	await page.fill('input[name=pin]', u.pin);
	await page.click('form button[type=submit]');
	await page.waitForSelector('input[name=puk]:not([disabled])');
	const error = await page.textContent('[data-field=puk] .field-error');
	assert.match(error, /PUK/);
	await page.fill('input[name=pin]', '12345');
	await page.fill('input[name=puk]', u.puk);
	await page.click('form button[type=submit]');
	await page.waitForSelector('[data-field=puk] .field-error:not([hidden])');
	assert.match(await page.textContent('[data-field=puk] .field-error'), /Wrong code/);
	await screenshot(page, 'login-wrong-code');
	assert.deepEqual(page.errors, []);
	await page.context().close();
});
