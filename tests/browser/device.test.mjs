// INS-* in a browser: an installer adds a gateway and an Eastron SDM630
// through the System configuration forms, polls, and sees it read from a
// real ews-sim; a refused value is shown next to its field and the form
// keeps what was typed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, startSim, openPage, login, visit, screenshot, PHONE } from './stack.mjs';

const fx = useStack(
	{ now: '2026-04-10T10:00:00Z', days: 3 },
	{
		setup: async (f) => {
			fx.sim = await startSim(f.stack.tmp, 'spare', [{ unit: 7, model: 'eastron_sdm630', energy_kwh: 1234.5, profile: 'office', peak_w: 8000 }]);
			return fx.sim.stop;
		},
	}
);

async function viewLoaded(page) {
	await page.waitForSelector('main[data-ready=true] .sys-view[data-loaded=true]');
}

test('add a gateway and a device through the forms and see it polled', async () => {
	const page = await openPage(fx.browser);
	await login(page, fx.stack.url, 'installer');

	await visit(page, fx.stack.url, 'system/gateways/new');
	await viewLoaded(page);
	await page.fill('form[data-form=gateway] [name=ip]', '127.0.0.1');
	await page.fill('form[data-form=gateway] [name=port]', String(fx.sim.port));
	await page.fill('form[data-form=gateway] [name=name]', 'Spare panel');
	await page.click('form[data-form=gateway] button[type=submit]');
	await page.waitForFunction(() => /^#\/system\/gateways\/\d+/.test(location.hash));
	const gw = (await page.evaluate(() => location.hash)).match(/gateways\/(\d+)/)[1];

	await visit(page, fx.stack.url, `system/gateways/${gw}/devices/new`);
	await viewLoaded(page);
	await page.selectOption('select[name=family]', 'other');
	await page.selectOption('select[name=model]', 'eastron_sdm630');
	await page.waitForSelector('.sys-model-card[data-model=eastron_sdm630]');

	// A refused address: the message is next to the field, nothing is lost.
	await page.fill('form[data-form=device] [name=address]', '300');
	await page.fill('form[data-form=device] [name=name]', 'Office meter');
	await page.click('form[data-form=device] button[type=submit]');
	await page.waitForSelector('[data-field=address] .field-error:not([hidden])');
	assert.match(await page.textContent('[data-field=address] .field-error'), /300/);
	assert.equal(await page.getAttribute('form[data-form=device] [name=address]', 'aria-invalid'), 'true');
	assert.equal(await page.inputValue('form[data-form=device] [name=name]'), 'Office meter');
	await screenshot(page, 'device-form-error');

	await page.fill('form[data-form=device] [name=address]', '7');
	await page.click('form[data-form=device] button[type=submit]');
	await page.waitForFunction(() => /added=\d+/.test(location.hash));
	const id = (await page.evaluate(() => location.hash)).match(/added=(\d+)/)[1];
	await page.waitForSelector(`tr[data-device-id="${id}"]`);

	await page.click('.sys-devices .sys-section-head [data-action=poll]');
	await page.waitForSelector('.sys-poll-result[data-poll=done]', { timeout: 60000 });
	await page.waitForSelector(`tr[data-device-id="${id}"] [data-status=on]`);
	const reading = await page.textContent(`tr[data-device-id="${id}"] .sys-reading`);
	assert.match(reading, /kWh/);
	await screenshot(page, 'device-added-polled');
	assert.deepEqual(page.errors.filter((e) => !/Failed to load resource/.test(e)), []);
	await page.context().close();
});

test('a validation error is next to its field on a phone too', async () => {
	const page = await openPage(fx.browser, PHONE);
	await login(page, fx.stack.url, 'installer');
	await visit(page, fx.stack.url, 'system/loads');
	await viewLoaded(page);
	await page.click('[data-action=add]');
	await page.click('dialog[open] button[type=submit]');
	await page.waitForSelector('dialog[open] [data-field=name] .field-error:not([hidden])');
	assert.ok((await page.textContent('dialog[open] [data-field=name] .field-error')).length > 3);
	assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= PHONE.width);
	await screenshot(page, 'phone-load-form-error');
	await page.context().close();
});
