// Compare (CON-6, manual §8.2.2.3): two devices side by side. Devices of
// different commodities compare by cost only; the API's answer says which
// commodity each histogram is, and that decides it.

import { api } from '../../api.js';
import { t, money } from '../../i18n.js';
import { h, table, badge } from '../../ui.js';
import { PALETTE } from '../../charts.js';
import { scaleFor, quantity, amount, siteObjects, deviceLabel, commodityName, compareLabels } from './common.js';
import { periodBar, periodState, histogram, valuesTable, chooser, segmented, emptyNote, put } from './widgets.js';

const PATH = 'consumption/compare';

function deviceOptions(objs) {
	return objs.devices.map((d) => ({ value: d.id, label: `${deviceLabel(d)} · ${commodityName(objs.commodityOf(d))}` }));
}

function pick(ctx, objs) {
	const ids = objs.devices.map((d) => String(d.id));
	const a = ids.includes(ctx.query.a) ? Number(ctx.query.a) : Number(ids[0]);
	const b = ids.includes(ctx.query.b) ? Number(ctx.query.b) : Number(ids.find((i) => Number(i) !== a) || ids[0]);
	return { a, b };
}

// One row per device: its totals and costs for this period and the one before.
function totalsTable(res, names, state, costOnly) {
	const labels = compareLabels(state.period, state.date, state.today);
	const rows = [
		{ key: 'a', name: names.a, hist: res.a },
		{ key: 'b', name: names.b, hist: res.b },
	];
	const scale = scaleFor(res.a.unit, costOnly ? [] : [res.a.total, res.a.previous_total, res.b.total, res.b.previous_total]);
	const own = (hist, v) => quantity(v, scaleFor(hist.unit, [hist.total, hist.previous_total]));
	const cols = [{ key: 'name', label: t('cons.device'), render: (r) => h('span', {}, r.name, r.hist.buckets.some((b) => b.estimated) ? [' ', badge(t('cons.estimated'), 'warn')] : null) }];
	if (!costOnly) {
		cols.push({ key: 'total', label: labels.short, cls: 'num', render: (r) => quantity(r.hist.total, scale) });
		cols.push({ key: 'prev', label: labels.previous, cls: 'num', render: (r) => (r.hist.previous_total === null ? '–' : quantity(r.hist.previous_total, scale)) });
	} else {
		cols.push({ key: 'total', label: labels.short, cls: 'num', render: (r) => own(r.hist, r.hist.total) });
	}
	if (rows.some((r) => r.hist.unpriced)) {
		cols.push({ key: 'unpriced', label: t('cons.unpriced_short'), cls: 'num', render: (r) => (r.hist.unpriced ? amount(r.hist.unpriced, r.hist.unit) : '–') });
	}
	cols.push({ key: 'cost', label: t('cons.cost_of', { name: labels.short }), cls: 'num', render: (r) => money(r.hist.total_cost, r.hist.currency) });
	cols.push({ key: 'pcost', label: t('cons.cost_of', { name: labels.previous }), cls: 'num', render: (r) => (r.hist.previous_total_cost === null || r.hist.previous_total_cost === undefined ? '–' : money(r.hist.previous_total_cost, r.hist.currency)) });
	const tbl = table(cols, rows, { caption: t('cons.compare_caption') });
	tbl.dataset.compareTable = '';
	tbl.querySelectorAll('tbody tr').forEach((tr, i) => (tr.dataset.side = rows[i].key));
	return tbl;
}

export default async function render(body, ctx) {
	const state = periodState(ctx);
	const objs = await siteObjects();
	put(body, h('h2', {}, t('cons.compare_title')), h('p', { class: 'lead' }, t('cons.compare_lead')));
	if (objs.devices.length < 2) {
		put(body, emptyNote(t('cons.compare_need_two')));
		return [];
	}
	const { a, b } = pick(ctx, objs);
	const res = await api.get('/consumption/compare', { id: a, with: b, period: state.period, date: state.date, costs: 1 });
	const costOnly = res.a.commodity !== res.b.commodity;
	const show = costOnly || ctx.query.show === 'cost' ? 'cost' : 'value';
	const base = { a, b, show: ctx.query.show };
	const go = (q) => ctx.go(PATH, { ...base, period: state.period, date: state.date, ...q });
	const names = { a: objs.devices.find((d) => d.id === a).name, b: objs.devices.find((d) => d.id === b).name };
	const controls = h(
		'div',
		{ class: 'cons-controls card' },
		chooser({ name: 'a', label: t('cons.device_a'), options: deviceOptions(objs), value: a, onPick: (v) => go({ a: v }) }),
		chooser({ name: 'b', label: t('cons.device_b'), options: deviceOptions(objs), value: b, onPick: (v) => go({ b: v }) }),
		costOnly
			? null
			: segmented(
				t('cons.compare_by'),
				[
					{ id: 'value', label: t('cons.consumption'), href: ctx.href(PATH, { a, b, period: state.period, date: state.date }) },
					{ id: 'cost', label: t('cons.cost'), href: ctx.href(PATH, { a, b, show: 'cost', period: state.period, date: state.date }) },
				],
				show,
				'show'
			)
	);
	body.dataset.show = show;
	body.dataset.homogeneous = String(!costOnly);
	const note = costOnly ? h('p', { class: 'banner cons-note', dataset: { costOnly: '' } }, t('cons.cost_only', { a: names.a, ca: commodityName(res.a.commodity), b: names.b, cb: commodityName(res.b.commodity) })) : null;
	put(body, controls, periodBar(ctx, PATH, base, state), note, h('div', { class: 'card' }, totalsTable(res, names, state, costOnly)));
	if (!res.a.buckets.some((x) => x.recorded) && !res.b.buckets.some((x) => x.recorded)) {
		put(body, emptyNote(t('cons.no_consumption')));
		return [];
	}
	const series = [
		{ label: names.a, hist: res.a, color: PALETTE[0] },
		{ label: names.b, hist: res.b, color: PALETTE[1] },
	];
	const scale = scaleFor(res.a.unit, show === 'value' ? [...res.a.buckets, ...res.b.buckets].map((x) => x.value) : []);
	const title = t(show === 'cost' ? `cons.cost_per_${state.period}` : `cons.per_${state.period}`);
	const chart = histogram(ctx, { title, kind: 'compare', period: state.period, series, mode: show, scale, currency: res.a.currency });
	put(body, chart.box, show === 'value' ? valuesTable(state.period, series, { scale, currency: res.a.currency, withCost: true }) : null);
	return [chart.draw];
}
