// UI-1, EVS-4, EVS-5 in a browser: My panel board shows a button per device
// of the demo site with its status, a meter's page shows live measures read
// from ews-sim, and Green'Up shows the four stations on two gateways.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, visit, screenshot, cli } from './stack.mjs';

const fx = useStack({ now: '2026-04-10T10:00:00Z', days: 3 }, { as: 'greenUp' });

test('My panel board has a button per device, grouped by gateway', async () => {
	const devices = JSON.parse(cli(fx.stack.site, 'device', 'list', '--json'));
	await visit(fx.page, fx.stack.url, 'panel?by=gateway');
	const buttons = await fx.page.$$eval('a.device-btn[data-device-id]', (as) => as.map((a) => a.dataset.deviceId));
	assert.deepEqual(buttons.map(Number).sort((a, b) => a - b), devices.map((d) => d.id).sort((a, b) => a - b));
	assert.equal(await fx.page.$$eval('section.panel-group', (s) => s.length), 2);
	await screenshot(fx.page, 'panel-by-gateway');
});

test("a meter's page shows live measures from ews-sim", async () => {
	const devices = JSON.parse(cli(fx.stack.site, 'device', 'list', '--json'));
	const meter = devices.find((d) => d.model === 'eastron_sdm630');
	await visit(fx.page, fx.stack.url, `panel/device/${meter.id}`);
	await fx.page.waitForSelector('[data-live-time]');
	await fx.page.waitForSelector('[data-table=energy] [data-quantity]');
	const text = await fx.page.textContent('[data-table=energy]');
	assert.match(text, /kWh/);
	await screenshot(fx.page, 'panel-meter-live');
	assert.deepEqual(fx.page.errors, []);
});

test("Green'Up shows the four stations", async () => {
	await visit(fx.page, fx.stack.url, 'greenup/details');
	await fx.page.waitForSelector('.gu-summary[data-zone]');
	assert.equal(await fx.page.$$eval('article.ev-card[data-station-id]', (a) => a.length), 4);
	await visit(fx.page, fx.stack.url, 'greenup/manage');
	assert.equal(await fx.page.$$eval('article.ev-card[data-station-id]', (a) => a.length), 4);
	await screenshot(fx.page, 'greenup-manage');
	assert.deepEqual(fx.page.errors, []);
});
