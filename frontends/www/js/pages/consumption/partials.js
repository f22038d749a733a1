// Partials (CON-5, manual §8.2.2.2): one load or measure group, or all of
// them side by side. A load has its own commodity (Gas, Water); a measure
// group may hold devices of any commodity, so it is shown per commodity.
// Virtual devices count like physical ones (the API's rollups).

import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { h } from '../../ui.js';
import { scaleFor, siteObjects, COMMODITIES, commodityName, deviceLabel } from './common.js';
import { periodBar, periodState, comparison, unpricedNote, histogram, valuesTable, emptyNote, groupedChooser, segmented, put } from './widgets.js';
import { splitSection } from './split.js';

const PATH = 'consumption/partials';

// What the address asks for: {kind: load|group, id|null (all), commodity}.
function selection(ctx, objs) {
	const q = ctx.query;
	const commodity = COMMODITIES.includes(q.commodity) ? q.commodity : 'electricity';
	if (q.load && objs.loads.some((l) => String(l.id) === q.load)) {
		return { kind: 'load', id: Number(q.load), commodity: null };
	}
	if (q.group && objs.groups.some((g) => String(g.id) === q.group)) {
		return { kind: 'group', id: Number(q.group), commodity };
	}
	if (q.all === 'load' || !objs.groups.length) {
		return { kind: 'load', id: null, commodity: 'electricity' };
	}
	return { kind: 'group', id: null, commodity };
}

function chooser(ctx, objs, sel, state) {
	const value = sel.id ? `${sel.kind}:${sel.id}` : `all:${sel.kind}`;
	const elecLoads = objs.loads;
	return groupedChooser({
		name: 'partial',
		label: t('cons.partial_pick'),
		value,
		groups: [
			{ options: [{ value: 'all:load', label: t('cons.all_loads') }, ...(objs.groups.length ? [{ value: 'all:group', label: t('cons.all_groups') }] : [])] },
			{ label: t('cons.loads'), options: elecLoads.map((l) => ({ value: `load:${l.id}`, label: l.name })) },
			objs.groups.length ? { label: t('cons.groups'), options: objs.groups.map((g) => ({ value: `group:${g.id}`, label: g.name })) } : null,
		].filter(Boolean),
		onPick: (v) => {
			const [kind, id] = v.split(':');
			const q = { period: state.period, date: state.date };
			if (kind === 'all') {
				q.all = id;
				if (id === 'group') {
					q.commodity = sel.commodity;
				}
			} else {
				q[kind] = id;
				if (kind === 'group') {
					q.commodity = sel.commodity;
				}
			}
			ctx.go(PATH, q);
		},
	});
}

function baseQuery(sel) {
	if (!sel.id) {
		return { all: sel.kind, commodity: sel.kind === 'group' ? sel.commodity : undefined };
	}
	return { [sel.kind]: sel.id, commodity: sel.kind === 'group' ? sel.commodity : undefined };
}

// The devices of a load or group, each a link to its details.
function members(ctx, objs, sel, state) {
	const list = objs.devices.filter((d) => (sel.kind === 'load' ? d.load_id === sel.id || (d.load_id === null && isOthers(objs, sel.id, d)) : d.group_ids.includes(sel.id)));
	if (!list.length) {
		return null;
	}
	return h(
		'section',
		{ class: 'card cons-members' },
		h('h3', {}, t('cons.devices_in')),
		h('ul', { class: 'cons-member-list' }, list.map((d) => h('li', {}, h('a', { href: ctx.href('consumption/details', { device: d.id, period: state.period, date: state.date }) }, deviceLabel(d)), d.exclude_totals ? h('span', { class: 'help' }, ` · ${t('cons.excluded')}`) : null)))
	);
}

// Devices with no load count in "Others", or in Gas / Water by commodity.
function isOthers(objs, loadId, dev) {
	const load = objs.loads.find((l) => l.id === loadId);
	if (!load) {
		return false;
	}
	const c = objs.commodityOf(dev);
	return (load.origin === 'others' && c === 'electricity') || load.origin === c;
}

export default async function render(body, ctx) {
	const state = periodState(ctx);
	const objs = await siteObjects();
	const sel = selection(ctx, objs);
	const query = sel.id
		? { scope: sel.kind, id: sel.id, commodity: sel.commodity || undefined, period: state.period, date: state.date, costs: 1 }
		: { scope: 'site', commodity: sel.commodity, split: sel.kind, period: state.period, date: state.date, costs: 1 };
	const hist = await api.get('/consumption', query);
	const name = sel.id ? (sel.kind === 'load' ? objs.loads : objs.groups).find((x) => x.id === sel.id).name : t(sel.kind === 'load' ? 'cons.site_by_load' : 'cons.site_by_group');
	const controls = h(
		'div',
		{ class: 'cons-controls card' },
		chooser(ctx, objs, sel, state),
		sel.kind === 'group'
			? segmented(
				t('cons.commodity'),
				COMMODITIES.map((c) => ({ id: c, label: commodityName(c), href: ctx.href(PATH, { ...baseQuery(sel), commodity: c, period: state.period, date: state.date }) })),
				sel.commodity,
				'commodity'
			)
			: null
	);
	const totals = scaleFor(hist.unit, [hist.total, hist.previous_total]);
	const scale = scaleFor(hist.unit, hist.buckets.map((b) => b.value));
	body.dataset.scope = hist.scope;
	put(body, h('h2', {}, t('cons.partials_title')), h('p', { class: 'lead' }, t('cons.partials_lead')), controls, periodBar(ctx, PATH, baseQuery(sel), state), h('h3', { class: 'cons-subject', dataset: { subject: hist.scope } }, name, ' · ', commodityName(hist.commodity)), comparison(hist, state, totals), unpricedNote(hist));
	if (!hist.buckets.some((b) => b.recorded)) {
		put(body, emptyNote(t('cons.no_consumption')), sel.id ? members(ctx, objs, sel, state) : null);
		return [];
	}
	const draws = [];
	const chart = histogram(ctx, { title: t(`cons.per_${state.period}`), kind: 'partial', period: state.period, series: [{ label: name, hist }], scale, currency: hist.currency });
	put(body, chart.box);
	draws.push(chart.draw);
	if (!sel.id) {
		const split = splitSection(ctx, hist, state, { kind: sel.kind, link: (s) => ctx.href(PATH, { [sel.kind]: s.id, commodity: sel.kind === 'group' ? sel.commodity : undefined, period: state.period, date: state.date }) });
		put(body, split.el);
		draws.push(...split.draws);
	} else {
		put(body, members(ctx, objs, sel, state));
	}
	put(body, valuesTable(state.period, [{ label: name, hist }], { scale, currency: hist.currency, withCost: true }));
	return draws;
}
