// Recent measured quantities of a device: minimum, mean and maximum per hour
// of a day (or per day of a month) of one recorded quantity, as
// GET /consumption/measures gives them. ewsd's own recording cycle stores
// the counters; other quantities are there when history was imported.

import { api } from '../../api.js';
import { t, dateTime } from '../../i18n.js';
import { h, clear, nextId, table } from '../../ui.js';
import { quantityLabel, formatValue, unitOf, refusal, section, today, validDate, shiftDate } from './common.js';

const NOT_MEASURES = new Set(['state', 'cp_state', 'charge_enable', 'setpoint_current']);
const PERIODS = ['day', 'month'];
const PREFERRED = ['active_power', 'volume', 'current_l1', 'active_energy_import'];

// "NAME" or "NAME:ORDER", as /consumption/measures takes them.
function quantitiesOf(model) {
	const regs = (model && model.registers) || [];
	const keys = [...new Set(regs.filter((r) => !NOT_MEASURES.has(r.quantity)).map((r) => (r.order ? `${r.quantity}:${r.order}` : r.quantity)))];
	if (keys.length) {
		return keys;
	}
	return [model && model.commodity !== 'electricity' ? 'volume' : 'active_energy_import'];
}

function labelOf(key) {
	const [q, order] = key.split(':');
	return quantityLabel(q, Number(order) || 0);
}

function bucketLabel(start, period, timeZone) {
	const ms = Date.parse(start);
	return period === 'day' ? dateTime(ms, timeZone, { hour: 'numeric' }) : dateTime(ms, timeZone, { day: 'numeric', month: 'short' });
}

function controls(ctx, device, keys, sel) {
	const go = (patch) => ctx.go(`panel/device/${device.id}/history`, { ...sel, ...patch });
	const qId = nextId('hq');
	const pId = nextId('hp');
	const dId = nextId('hd');
	const unit = sel.period === 'month' ? 'month' : 'day';
	return h(
		'div',
		{ class: 'toolbar history-controls' },
		h('span', { class: 'ctl' }, h('label', { for: qId }, t('panel.hist.quantity')), h('select', { id: qId, dataset: { control: 'quantity' }, onchange: (e) => go({ q: e.target.value }) }, keys.map((k) => h('option', { value: k, selected: k === sel.q }, labelOf(k))))),
		h('span', { class: 'ctl' }, h('label', { for: pId }, t('panel.hist.period')), h('select', { id: pId, dataset: { control: 'period' }, onchange: (e) => go({ period: e.target.value }) }, PERIODS.map((p) => h('option', { value: p, selected: p === sel.period }, t(`panel.hist.${p}`))))),
		h(
			'span',
			{ class: 'ctl' },
			h('button', { type: 'button', class: 'small', 'aria-label': t(`panel.hist.prev_${unit}`), title: t(`panel.hist.prev_${unit}`), dataset: { action: 'prev' }, onclick: () => go({ date: shiftDate(sel.date, -1, unit) }) }, '‹'),
			h('label', { for: dId, class: 'sr-only' }, t('panel.hist.date')),
			h('input', { type: 'date', id: dId, value: sel.date, max: today(ctx.timeZone), dataset: { control: 'date' }, onchange: (e) => validDate(e.target.value) && go({ date: e.target.value }) }),
			h('button', { type: 'button', class: 'small', 'aria-label': t(`panel.hist.next_${unit}`), title: t(`panel.hist.next_${unit}`), dataset: { action: 'next' }, onclick: () => go({ date: shiftDate(sel.date, 1, unit) }) }, '›')
		)
	);
}

async function drawChart(slot, ctx, m, sel) {
	const labels = m.buckets.map((b) => bucketLabel(b.start, sel.period, ctx.timeZone));
	const s = unitOf(m.unit);
	const scaled = (k) => m.buckets.map((b) => (b[k] === null ? null : b[k] / s.div));
	const charts = await import('../../charts.js');
	const title = t('panel.hist.title', { name: labelOf(sel.q) });
	const { box, canvas } = charts.chartBox(title, 'measures');
	clear(slot, box);
	const chart = charts.lines(canvas, {
		labels,
		unit: s.unit,
		digits: s.digits,
		datasets: [
			{ label: t('panel.hist.max'), data: scaled('max'), color: '#c62828' },
			{ label: t('panel.hist.avg'), data: scaled('avg'), color: '#0b5cad' },
			{ label: t('panel.hist.min'), data: scaled('min'), color: '#2e7d32' },
		],
	});
	canvas.dataset.points = String(m.buckets.filter((b) => b.count).length);
	ctx.onCleanup(() => chart.destroy());
}

function figures(ctx, m, sel) {
	const rows = m.buckets.filter((b) => b.count);
	const v = (k) => (b) => formatValue(b[k], m.unit, { withUnit: false });
	const unit = unitOf(m.unit).unit;
	return h(
		'details',
		{ class: 'history-figures' },
		h('summary', {}, t('panel.hist.figures')),
		table(
			[
				{ key: 'start', label: t('panel.hist.when'), render: (b) => bucketLabel(b.start, sel.period, ctx.timeZone) },
				{ key: 'min', label: `${t('panel.hist.min')} (${unit})`, cls: 'num', render: v('min') },
				{ key: 'avg', label: `${t('panel.hist.avg')} (${unit})`, cls: 'num', render: v('avg') },
				{ key: 'max', label: `${t('panel.hist.max')} (${unit})`, cls: 'num', render: v('max') },
				{ key: 'count', label: t('panel.hist.samples'), cls: 'num' },
			],
			rows
		)
	);
}

export async function renderHistory(box, ctx, device, model) {
	const keys = quantitiesOf(model);
	const q = keys.includes(ctx.query.q) ? ctx.query.q : PREFERRED.find((k) => keys.includes(k)) || keys[0];
	const period = PERIODS.includes(ctx.query.period) ? ctx.query.period : 'day';
	const date = validDate(ctx.query.date) ? ctx.query.date : today(ctx.timeZone);
	const sel = { q, period, date };
	const slot = h('div', { class: 'history-chart', dataset: { quantity: q, period, date } });
	const card = section(t('panel.hist.heading'), h('p', { class: 'help' }, t('panel.hist.help')), controls(ctx, device, keys, sel), slot);
	clear(box, card);
	let m;
	try {
		m = await api.get('/consumption/measures', { device: device.id, quantity: q, period, date });
	} catch (e) {
		if (e.status === 401) {
			throw e;
		}
		clear(slot, refusal(e));
		return;
	}
	if (!m.buckets.some((b) => b.count)) {
		clear(slot, h('p', { class: 'empty', dataset: { empty: 'measures' } }, t(period === 'day' ? 'panel.hist.none_day' : 'panel.hist.none_month', { name: labelOf(q), date })));
		return;
	}
	try {
		await drawChart(slot, ctx, m, sel);
	} catch (e) {
		clear(slot, refusal(e));
	}
	card.append(figures(ctx, m, sel));
}
