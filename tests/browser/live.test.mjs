// UI-1, EVS-4, EVS-5 in a browser: My panel board shows a button per device
// of the demo site with its status, a meter's page shows live measures read
// from ews-sim, and Green'Up shows the four stations on two gateways.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, launchBrowser, openPage, login, visit, screenshot, cli } from './stack.mjs';

let stack;
let browser;
let page;

before(async () => {
	stack = await startStack({ now: '2026-04-10T10:00:00Z', days: 3 });
	browser = await launchBrowser();
	page = await openPage(browser);
	await login(page, stack.url, 'greenUp');
});

after(async () => {
	await page?.context().close();
	await browser?.close();
	await stack?.stop();
});

test('My panel board has a button per device, grouped by gateway', async () => {
	const devices = JSON.parse(cli(stack.site, 'device', 'list', '--json'));
	await visit(page, stack.url, 'panel?by=gateway');
	const buttons = await page.$$eval('a.device-btn[data-device-id]', (as) => as.map((a) => a.dataset.deviceId));
	assert.deepEqual(buttons.map(Number).sort((a, b) => a - b), devices.map((d) => d.id).sort((a, b) => a - b));
	assert.equal(await page.$$eval('section.panel-group', (s) => s.length), 2);
	await screenshot(page, 'panel-by-gateway');
});

test("a meter's page shows live measures from ews-sim", async () => {
	const devices = JSON.parse(cli(stack.site, 'device', 'list', '--json'));
	const meter = devices.find((d) => d.model === 'eastron_sdm630');
	await visit(page, stack.url, `panel/device/${meter.id}`);
	await page.waitForSelector('[data-live-time]');
	await page.waitForSelector('[data-table=energy] [data-quantity]');
	const text = await page.textContent('[data-table=energy]');
	assert.match(text, /kWh/);
	await screenshot(page, 'panel-meter-live');
	assert.deepEqual(page.errors, []);
});

test("Green'Up shows the four stations", async () => {
	await visit(page, stack.url, 'greenup/details');
	await page.waitForSelector('.gu-summary[data-zone]');
	assert.equal(await page.$$eval('article.ev-card[data-station-id]', (a) => a.length), 4);
	await visit(page, stack.url, 'greenup/manage');
	assert.equal(await page.$$eval('article.ev-card[data-station-id]', (a) => a.length), 4);
	await screenshot(page, 'greenup-manage');
	assert.deepEqual(page.errors, []);
});
