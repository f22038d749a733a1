// Detailed view (CON-9, CON-2; manual §8.2.2.6): any scope — the site, a
// load, a measure group or a device — and commodity, by day (per hour, 23
// to 25 bars on DST days), month, year or 10 years; a date, previous /
// next, and datalogger.csv of exactly what is shown.

import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { h } from '../../ui.js';
import { scaleFor, siteObjects, tariffs as loadTariffs, tariffColors, COMMODITIES, commodityName, deviceLabel, periodTitle } from './common.js';
import { periodBar, periodState, comparison, unpricedNote, histogram, valuesTable, emptyNote, groupedChooser, segmented, put } from './widgets.js';

const PATH = 'consumption/browse';

// ?scope=site|load|group|device&id=: an unknown id falls back to the site.
function scopeOf(ctx, objs) {
	const { scope, id } = ctx.query;
	const lists = { load: objs.loads, group: objs.groups, device: objs.devices };
	if (lists[scope] && lists[scope].some((x) => String(x.id) === id)) {
		return { scope, id: Number(id), item: lists[scope].find((x) => String(x.id) === id) };
	}
	return { scope: 'site', id: null, item: null };
}

function scopeChooser(ctx, objs, sel, base) {
	return groupedChooser({
		name: 'scope',
		label: t('cons.scope'),
		value: sel.id ? `${sel.scope}:${sel.id}` : 'site',
		groups: [
			{ options: [{ value: 'site', label: t('cons.whole_site') }] },
			{ label: t('cons.loads'), options: objs.loads.map((l) => ({ value: `load:${l.id}`, label: l.name })) },
			objs.groups.length ? { label: t('cons.groups'), options: objs.groups.map((g) => ({ value: `group:${g.id}`, label: g.name })) } : null,
			{ label: t('cons.devices'), options: objs.devices.map((d) => ({ value: `device:${d.id}`, label: deviceLabel(d) })) },
		].filter(Boolean),
		onPick: (v) => {
			const [scope, id] = v.split(':');
			ctx.go(PATH, { ...base, scope, id, commodity: scope === 'site' || scope === 'group' ? base.commodity : undefined });
		},
	});
}

export default async function render(body, ctx) {
	const state = periodState(ctx);
	const [objs, list] = await Promise.all([siteObjects(), loadTariffs()]);
	const sel = scopeOf(ctx, objs);
	// a load or a device has its own commodity; the site and a group any
	const free = sel.scope === 'site' || sel.scope === 'group';
	const commodity = free && COMMODITIES.includes(ctx.query.commodity) ? ctx.query.commodity : undefined;
	const show = ctx.query.show === 'tariffs' ? 'tariffs' : 'value';
	const query = { scope: sel.scope, id: sel.id || undefined, commodity: free ? commodity || 'electricity' : undefined, period: state.period, date: state.date };
	const hist = await api.get('/consumption', { ...query, costs: 1 });
	const base = { scope: sel.scope === 'site' ? undefined : sel.scope, id: sel.id || undefined, commodity, show: show === 'tariffs' ? show : undefined };
	const link = (q) => ctx.href(PATH, { ...base, period: state.period, date: state.date, ...q });
	const csv = api.url('/consumption/datalogger.csv', { ...query, costs: 1 });
	const controls = h(
		'div',
		{ class: 'cons-controls card' },
		scopeChooser(ctx, objs, sel, { ...base, period: state.period, date: state.date }),
		free ? segmented(t('cons.commodity'), COMMODITIES.map((c) => ({ id: c, label: commodityName(c), href: link({ commodity: c }) })), hist.commodity, 'commodity') : null,
		segmented(
			t('cons.chart_shows'),
			[
				{ id: 'value', label: t('cons.consumption'), href: link({ show: undefined }) },
				{ id: 'tariffs', label: t('cons.cost_by_tariff_short'), href: link({ show: 'tariffs' }) },
			],
			show,
			'show'
		),
		h('div', { class: 'actions' }, h('a', { class: 'button cons-download', href: csv, download: 'datalogger.csv', dataset: { download: '' }, title: t('cons.download_help', { period: periodTitle(state.period, state.date) }) }, '⤓ ', t('cons.download')))
	);
	const totals = scaleFor(hist.unit, [hist.total, hist.previous_total]);
	const scale = scaleFor(hist.unit, hist.buckets.map((b) => b.value));
	const name = sel.item ? sel.item.name : t('cons.whole_site');
	body.dataset.scope = hist.scope;
	body.dataset.commodity = hist.commodity;
	body.dataset.show = show;
	put(body, h('h2', {}, t('cons.browse_title')), h('p', { class: 'lead' }, t('cons.browse_lead')), controls, periodBar(ctx, PATH, base, state), h('h3', { class: 'cons-subject', dataset: { subject: hist.scope } }, name, ' · ', commodityName(hist.commodity)), comparison(hist, state, totals), unpricedNote(hist));
	if (!hist.buckets.some((b) => b.recorded)) {
		put(body, emptyNote(t('cons.no_consumption')));
		return [];
	}
	const title = t(show === 'tariffs' ? `cons.cost_per_${state.period}` : `cons.per_${state.period}`);
	const chart = histogram(ctx, { title, kind: 'browse', period: state.period, series: [{ label: name, hist }], mode: show, scale, currency: hist.currency, colors: tariffColors(list, hist.commodity) });
	put(body, chart.box, valuesTable(state.period, [{ label: name, hist }], { scale, currency: hist.currency, withCost: true }));
	return [chart.draw];
}
