// CON-2, CON-9 in a browser: the detailed view's day histogram has one bar
// per local hour the site's day has (24; 23 on the spring DST day, 25 in
// autumn), previous/next walk the days, and datalogger.csv downloads the
// shown period. The demo site's history ends on 2026-04-10 (injected clock).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { useStack, visit, screenshot } from './stack.mjs';

const fx = useStack({ now: '2026-04-10T10:00:00Z', days: 45 }, { as: 'user' });

async function bars(date) {
	await visit(fx.page, fx.stack.url, `consumption/browse?scope=site&commodity=electricity&period=day&date=${date}`);
	return Number(await fx.page.getAttribute('figure.chart[data-chart=browse] canvas', 'data-bars'));
}

test('a day has 24 bars, the spring DST day 23', async () => {
	assert.equal(await bars('2026-03-28'), 24);
	assert.equal(await bars('2026-03-29'), 23);
	await screenshot(fx.page, 'consumption-dst-day');
	assert.equal(await bars('2026-03-30'), 24);
	assert.deepEqual(fx.page.errors, []);
});

test('next and previous walk the days', async () => {
	await bars('2026-03-28');
	await fx.page.click('a.cons-next');
	await fx.page.waitForSelector('.cons-period[data-date="2026-03-29"]');
	await fx.page.waitForSelector('main[data-ready=true]');
	assert.equal(await fx.page.getAttribute('figure.chart[data-chart=browse] canvas', 'data-bars'), '23');
	await fx.page.click('a.cons-prev');
	await fx.page.waitForSelector('.cons-period[data-date="2026-03-28"]');
	assert.deepEqual(fx.page.errors, []);
});

test('datalogger.csv downloads the shown day', async () => {
	await bars('2026-03-29');
	const [download] = await Promise.all([fx.page.waitForEvent('download'), fx.page.click('[data-download]')]);
	assert.equal(download.suggestedFilename(), 'datalogger.csv');
	const lines = readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
	assert.equal(lines.length, 1 + 23, lines.join('\n'));
});
