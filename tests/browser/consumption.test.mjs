// CON-2, CON-9 in a browser: the detailed view's day histogram has one bar
// per local hour the site's day has (24; 23 on the spring DST day, 25 in
// autumn), previous/next walk the days, and datalogger.csv downloads the
// shown period. The demo site's history ends on 2026-04-10 (injected clock).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startStack, launchBrowser, openPage, login, visit, screenshot } from './stack.mjs';

let stack;
let browser;
let page;

before(async () => {
	stack = await startStack({ now: '2026-04-10T10:00:00Z', days: 45 });
	browser = await launchBrowser();
	page = await openPage(browser);
	await login(page, stack.url, 'user');
});

after(async () => {
	await page?.context().close();
	await browser?.close();
	await stack?.stop();
});

async function bars(date) {
	await visit(page, stack.url, `consumption/browse?scope=site&commodity=electricity&period=day&date=${date}`);
	return Number(await page.getAttribute('figure.chart[data-chart=browse] canvas', 'data-bars'));
}

test('a day has 24 bars, the spring DST day 23', async () => {
	assert.equal(await bars('2026-03-28'), 24);
	assert.equal(await bars('2026-03-29'), 23);
	await screenshot(page, 'consumption-dst-day');
	assert.equal(await bars('2026-03-30'), 24);
	assert.deepEqual(page.errors, []);
});

test('next and previous walk the days', async () => {
	await bars('2026-03-28');
	await page.click('a.cons-next');
	await page.waitForSelector('.cons-period[data-date="2026-03-29"]');
	await page.waitForSelector('main[data-ready=true]');
	assert.equal(await page.getAttribute('figure.chart[data-chart=browse] canvas', 'data-bars'), '23');
	await page.click('a.cons-prev');
	await page.waitForSelector('.cons-period[data-date="2026-03-28"]');
	assert.deepEqual(page.errors, []);
});

test('datalogger.csv downloads the shown day', async () => {
	await bars('2026-03-29');
	const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-download]')]);
	assert.equal(download.suggestedFilename(), 'datalogger.csv');
	const lines = readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
	assert.equal(lines.length, 1 + 23, lines.join('\n'));
});
