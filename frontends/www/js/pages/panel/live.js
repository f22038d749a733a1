// Live reads of one device (ACQ-3): GET /devices/{id}/live goes through the
// acquisition engine and answers when the device has, so a page reads once
// before it is shown and then again every few seconds, only while it is
// the page on screen and never two reads at once.

import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { h, clear, button, nextId } from '../../ui.js';
import { byQuantity, readingTime, refusal, section, breakerBadge, quantityLabel, unreadable } from './common.js';
import { keyFigures, measureCards, otherValue } from './tables.js';

export const LIVE_EVERY_MS = 10000;

// read(): one round; the caller awaits the first. A toolbar shows the time
// of reading, a Refresh button and the automatic refresh switch.
export function livePoller(ctx, read, { every = LIVE_EVERY_MS } = {}) {
	let busy = false;
	let timer = null;
	const time = h('span', { class: 'live-time', dataset: { liveTime: '' } }, '–');
	// a failed round is shown by read() itself; only the first one, which
	// the page awaits, may end the page with an error
	const quiet = () => run().catch(() => {});
	const refreshBtn = button(t('ui.refresh'), quiet, 'small');
	refreshBtn.dataset.action = 'refresh';
	const autoId = nextId('auto');
	const auto = h('input', { type: 'checkbox', id: autoId, checked: true, dataset: { control: 'auto-refresh' }, onchange: () => (auto.checked ? start() : stop()) });
	const toolbar = h(
		'div',
		{ class: 'toolbar live-bar' },
		h('span', {}, t('panel.read_at'), ' ', time),
		refreshBtn,
		h('span', { class: 'auto' }, auto, h('label', { for: autoId }, t('panel.auto_refresh', { s: every / 1000 })))
	);
	async function run() {
		if (busy || !ctx.current()) {
			return;
		}
		busy = true;
		toolbar.setAttribute('aria-busy', 'true');
		try {
			await read();
		} finally {
			busy = false;
			toolbar.removeAttribute('aria-busy');
		}
	}
	function start() {
		stop();
		timer = setInterval(quiet, every);
	}
	function stop() {
		clearInterval(timer);
		timer = null;
	}
	ctx.onCleanup(stop);
	return {
		toolbar,
		setTime: (text) => clear(time, text),
		async first() {
			await run();
			start();
		},
	};
}

// The device's live read, or the server's refusal: { readings } | { error }.
// A model the catalogue gives no register map cannot be read (ewsd answers
// 422 no_map), so it is not asked.
export async function readLive(device, model) {
	if (unreadable(model)) {
		return { error: { code: 'no_map', message: t('panel.no_map', { model: model.name }) } };
	}
	// an OFF device is not polled (INS-3); ewsd would answer 409 off
	if (!device.enabled) {
		return { error: { code: 'off', message: t('panel.device_off') } };
	}
	try {
		return { readings: await api.get(`/devices/${device.id}/live`) };
	} catch (error) {
		if (error.status === 401) {
			throw error;
		}
		return { error };
	}
}

// ---- harmonics ------------------------------------------------------------

function harmonicsCard(ctx) {
	const selId = nextId('harm');
	const kind = h(
		'select',
		{ id: selId, dataset: { control: 'harmonics-kind' } },
		['voltage', 'current'].map((k) => h('option', { value: k }, t(`panel.harm.${k}`)))
	);
	const slot = h('div', { class: 'harm-slot' });
	const card = section(t('panel.sec.harmonics'), h('div', { class: 'toolbar' }, h('label', { for: selId }, t('panel.harm.show')), kind), slot);
	card.hidden = true;
	let chart = null;
	let last = null;
	ctx.onCleanup(() => chart && chart.destroy());
	let sig = '';
	// A refresh changes the bars in place, so a chart shown full screen
	// stays so; another kind or set of orders draws a new chart.
	async function draw() {
		const rows = last.filter((r) => r.order > 0 && r.quantity.startsWith(`harmonic_${kind.value}_`));
		const orders = [...new Set(rows.map((r) => r.order))].sort((a, b) => a - b);
		const phases = [...new Set(rows.map((r) => r.quantity))].sort();
		const data = phases.map((q) => orders.map((o) => rows.find((r) => r.quantity === q && r.order === o)?.value ?? null));
		const now = `${kind.value}|${orders.join(',')}|${phases.join(',')}`;
		if (chart && now === sig) {
			chart.data.datasets.forEach((d, i) => (d.data = data[i]));
			chart.update('none');
			return;
		}
		if (chart) {
			chart.destroy();
			chart = null;
		}
		sig = now;
		if (!rows.length) {
			clear(slot, h('p', { class: 'empty' }, t('panel.harm.none')));
			return;
		}
		try {
			const charts = await import('../../charts.js');
			const { box, canvas } = charts.chartBox(t('panel.harm.title', { kind: t(`panel.harm.${kind.value}`) }), 'harmonics');
			clear(slot, box);
			const datasets = phases.map((q, i) => ({ label: quantityLabel(q), data: data[i] }));
			chart = charts.bars(canvas, { labels: orders.map((o) => `H${o}`), datasets, unit: rows[0].unit, digits: 2 });
		} catch (e) {
			sig = '';
			clear(slot, refusal(e));
		}
	}
	kind.addEventListener('change', () => last && draw());
	return {
		card,
		update(readings) {
			last = readings;
			card.hidden = !readings.some((r) => r.order > 0);
			return card.hidden ? null : draw();
		},
	};
}

// ---- the Measure view -------------------------------------------------------

// Why a device without a register map shows no values: the catalogue's own
// words on where its map would come from.
export function noMapNotice(model) {
	return section(t('panel.no_map_title'), h('p', { class: 'panel-refusal', dataset: { code: 'no_map' } }, t('panel.no_map', { model: model.name })), model.source ? h('p', { class: 'help' }, model.source) : null);
}

export async function renderMeasure(box, ctx, device, model) {
	if (unreadable(model)) {
		clear(box, noMapNotice(model));
		return;
	}
	const problem = h('div', { class: 'live-problem' });
	const figures = h('div');
	const cards = h('div', { class: 'panel-cards', dataset: { live: 'measure' } });
	const harm = harmonicsCard(ctx);
	let last = null;
	const paint = () => {
		const m = byQuantity(last);
		clear(figures, keyFigures(m));
		const list = measureCards(m);
		clear(cards, list.length ? list : h('p', { class: 'empty' }, t('panel.no_values')));
	};
	const poller = livePoller(ctx, async () => {
		const { readings, error } = await readLive(device, model);
		if (!ctx.current()) {
			return;
		}
		if (error) {
			clear(problem, refusal(error));
			return;
		}
		clear(problem);
		poller.setTime(readingTime(readings, ctx.timeZone));
		last = readings;
		paint();
		await harm.update(readings);
	});
	// Turning a phone or resizing a window switches blocks and matrices.
	const media = window.matchMedia('(max-width: 640px)');
	const onMedia = () => last && paint();
	media.addEventListener('change', onMedia);
	ctx.onCleanup(() => media.removeEventListener('change', onMedia));
	clear(box, poller.toolbar, problem, figures, cards, harm.card);
	await poller.first();
}

// ---- a breaker's state ----------------------------------------------------------

export async function renderState(box, ctx, device, model) {
	if (unreadable(model)) {
		clear(box, section(t('panel.sec.breaker'), h('div', { class: 'breaker-big', dataset: { live: 'state' } }, breakerBadge(null, t('panel.no_map', { model: model.name })))), noMapNotice(model));
		return;
	}
	const problem = h('div', { class: 'live-problem' });
	const state = h('div', { class: 'breaker-big', dataset: { live: 'state' } });
	const others = h('div');
	const poller = livePoller(ctx, async () => {
		const { readings, error } = await readLive(device, model);
		if (!ctx.current()) {
			return;
		}
		if (error) {
			clear(problem, refusal(error));
			clear(state, breakerBadge(null, error.message));
			return;
		}
		clear(problem);
		poller.setTime(readingTime(readings, ctx.timeZone));
		const r = readings.find((x) => x.quantity === 'state');
		clear(state, breakerBadge(r ? r.value : null, r ? null : t('panel.breaker.not_given')));
		const rest = readings.filter((x) => ['temperature', 'charge_enable'].includes(x.quantity));
		clear(others, rest.length ? h('dl', { class: 'facts' }, rest.map((x) => [h('dt', {}, quantityLabel(x.quantity)), h('dd', {}, otherValue(x))])) : null);
	});
	clear(box, poller.toolbar, problem, section(t('panel.sec.breaker'), h('p', { class: 'help' }, t('panel.breaker.help')), state, others));
	await poller.first();
}
