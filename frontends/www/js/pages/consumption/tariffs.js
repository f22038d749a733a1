// Tariffs (CON-8, manual §8.2.2.5): Total — the site's cost per tariff of a
// commodity and per commodity, as pies; Details — one device's cost per
// bucket, stacked by tariff. Each tariff keeps its configured colour; the
// checkboxes show or hide tariffs (the charts redraw, the API's totals stay
// as they are).

import { api } from '../../api.js';
import { t, money } from '../../i18n.js';
import { h, table, tabs } from '../../ui.js';
import { chartBox, pie, PALETTE } from '../../charts.js';
import { scaleFor, siteObjects, tariffs as loadTariffs, tariffColors, COMMODITIES, COMMODITY_COLORS, commodityName } from './common.js';
import { periodBar, periodState, comparison, unpricedNote, histogram, emptyNote, segmented, tariffToggles, swatch, put } from './widgets.js';
import { devicePicker, deviceFacts } from './device.js';

// Tariffs hidden by the user, per commodity (names are unique only within
// one), kept while the app is open so that a period change does not bring
// them back.
const hiddenBy = new Map();

function hiddenOf(commodity) {
	if (!hiddenBy.has(commodity)) {
		hiddenBy.set(commodity, new Set());
	}
	return hiddenBy.get(commodity);
}

function toggle(hidden, name, shown) {
	if (shown) {
		hidden.delete(name);
	} else {
		hidden.add(name);
	}
}

// The tariffs of a commodity with their costs in the API's total_by_tariff;
// configured tariffs without consumption are listed too, as the manual's
// "4 tariffs configured and only 3 with data".
function tariffRows(hist, list, commodity) {
	const byTariff = hist.total_by_tariff || {};
	const rows = list.filter((tr) => tr.commodity === commodity).map((tr) => ({ name: tr.name, color: tr.color, cost: typeof byTariff[tr.name] === 'number' ? byTariff[tr.name] : null }));
	for (const [name, cost] of Object.entries(byTariff)) {
		if (name !== 'no tariff' && !rows.some((r) => r.name === name)) {
			rows.push({ name, color: PALETTE[rows.length % PALETTE.length], cost });
		}
	}
	return rows;
}

// A short table beside its pie; it stays a table on a phone.
function costTable(rows, currency, caption, nameLabel = t('cons.tariff')) {
	const tbl = table(
		[
			{ key: 'name', label: nameLabel, render: (r) => h('span', {}, swatch(r.color), r.name) },
			{ key: 'cost', label: t('cons.cost'), cls: 'num', render: (r) => (r.cost === null ? t('cons.no_consumption_short') : money(r.cost, currency)) },
		],
		rows,
		{ caption }
	);
	tbl.querySelectorAll('tbody tr').forEach((tr, i) => (tr.dataset.tariff = rows[i].name));
	tbl.classList.add('cons-keep');
	tbl.querySelector('caption')?.classList.add('sr-only');
	return tbl;
}

// linked: the pie of the tariffs, whose slices follow the checkboxes in
// root; the pie of the commodities keeps Chart.js's own legend toggles.
function tariffPie(ctx, title, kind, rows, currency, root = null, hidden = new Set()) {
	const { box, canvas } = chartBox(title, kind);
	const slices = rows.filter((r) => typeof r.cost === 'number' && r.cost > 0);
	const isHidden = (name) => Boolean(root) && hidden.has(name);
	const count = () => (canvas.dataset.shown = String(slices.filter((r) => !isHidden(r.name)).length));
	let chart = null;
	const draw = () => {
		chart = pie(canvas, { labels: slices.map((r) => r.name), data: slices.map((r) => r.cost), colors: slices.map((r) => r.color), unit: currency });
		chart.options.plugins.tooltip.callbacks.label = (c) => `${c.label}: ${money(c.parsed, currency)}`;
		slices.forEach((r, i) => {
			if (isHidden(r.name) && chart.getDataVisibility(i)) {
				chart.toggleDataVisibility(i);
			}
		});
		if (root) {
			// a legend click is a checkbox click, so both stay in step
			chart.options.plugins.legend.onClick = (e, item) => root.querySelector(`[data-tariff-toggles] input[data-tariff="${CSS.escape(slices[item.index].name)}"]`)?.click();
		}
		chart.update();
		count();
		ctx.onCleanup(() => chart.destroy());
	};
	const onToggle = (name, shown) => {
		toggle(hidden, name, shown);
		const i = slices.findIndex((r) => r.name === name);
		if (chart && i >= 0 && chart.getDataVisibility(i) !== shown) {
			chart.toggleDataVisibility(i);
			chart.update();
		}
		count();
	};
	return { box, draw, onToggle, slices };
}

async function renderTotal(body, ctx, state) {
	const commodity = COMMODITIES.includes(ctx.query.commodity) ? ctx.query.commodity : 'electricity';
	const [hist, overall, list] = await Promise.all([
		api.get('/consumption', { scope: 'site', commodity, period: state.period, date: state.date, costs: 1 }),
		api.get('/consumption/overall', { period: state.period, date: state.date, costs: 1 }),
		loadTariffs(),
	]);
	const path = 'consumption/tariffs';
	const currency = hist.currency || ctx.currency;
	const seg = segmented(t('cons.commodity'), COMMODITIES.map((c) => ({ id: c, label: commodityName(c), href: ctx.href(path, { commodity: c, period: state.period, date: state.date }) })), commodity, 'commodity');
	const totals = scaleFor(hist.unit, [hist.total, hist.previous_total]);
	body.dataset.commodity = commodity;
	put(body, h('div', { class: 'cons-controls' }, seg), periodBar(ctx, path, { commodity }, state), comparison(hist, state, totals), unpricedNote(hist));
	const rows = tariffRows(hist, list, commodity);
	if (!rows.length) {
		put(body, emptyNote(t('cons.no_tariffs', { commodity: commodityName(commodity) })));
		return [];
	}
	const byTariff = tariffPie(ctx, t('cons.cost_by_tariff', { commodity: commodityName(commodity) }), 'tariffs', rows, currency, body, hiddenOf(commodity));
	const commodityRows = COMMODITIES.map((c) => ({ name: commodityName(c), color: COMMODITY_COLORS[c], cost: overall[`${c}_cost`] }));
	const byCommodity = tariffPie(ctx, t('cons.cost_by_commodity'), 'commodities', commodityRows, currency);
	const toggles = tariffToggles(byTariff.slices.map((r) => ({ name: r.name, color: r.color })), hiddenOf(commodity), byTariff.onToggle);
	const draws = [];
	const left = h('div', {}, toggles, byTariff.slices.length ? byTariff.box : emptyNote(t('cons.no_costs')), h('div', { class: 'card' }, costTable(rows, currency, t('cons.cost_by_tariff', { commodity: commodityName(commodity) }))));
	if (byTariff.slices.length) {
		draws.push(byTariff.draw);
	}
	const right = h('div', {}, byCommodity.slices.length ? byCommodity.box : null, h('div', { class: 'card' }, costTable(commodityRows, currency, t('cons.cost_by_commodity'), t('cons.commodity'))));
	if (byCommodity.slices.length) {
		draws.push(byCommodity.draw);
	}
	put(body, h('div', { class: 'cons-pies' }, left, right));
	return draws;
}

async function renderDetails(body, ctx, state) {
	const path = 'consumption/tariffs/details';
	const [objs, list] = await Promise.all([siteObjects(), loadTariffs()]);
	const picker = devicePicker(ctx, objs, path, state);
	if (!picker.device) {
		put(body, picker.el, emptyNote(t('cons.no_devices')));
		return [];
	}
	const dev = picker.device;
	const hist = await api.get('/consumption', { scope: 'device', id: dev.id, period: state.period, date: state.date, costs: 1 });
	const currency = hist.currency || ctx.currency;
	const colors = tariffColors(list, hist.commodity);
	const totals = scaleFor(hist.unit, [hist.total, hist.previous_total]);
	body.dataset.device = String(dev.id);
	put(body, picker.el, deviceFacts(objs, dev, objs.modelOf(dev)), periodBar(ctx, path, { device: dev.id, of: ctx.query.of }, state), comparison(hist, state, totals), unpricedNote(hist));
	const rows = tariffRows(hist, list, hist.commodity);
	if (!hist.buckets.some((b) => b.by_tariff && Object.values(b.by_tariff).some((v) => typeof v === 'number'))) {
		put(body, emptyNote(t('cons.no_costs')), rows.length ? h('div', { class: 'card' }, costTable(rows, currency, t('cons.cost_by_tariff', { commodity: commodityName(hist.commodity) }))) : null);
		return [];
	}
	const chart = histogram(ctx, { title: t(`cons.cost_per_${state.period}`), kind: 'tariff-costs', period: state.period, series: [{ label: dev.name, hist }], mode: 'tariffs', scale: totals, currency, colors });
	const hidden = hiddenOf(hist.commodity);
	const names = [...new Set(rows.filter((r) => r.cost !== null).map((r) => r.name))];
	const onToggle = (name, shown) => {
		toggle(hidden, name, shown);
		const c = chart.chart();
		const i = c ? c.data.datasets.findIndex((d) => d.label === name) : -1;
		if (i >= 0) {
			c.setDatasetVisibility(i, shown);
			c.update();
		}
	};
	const toggles = tariffToggles(names.map((n) => ({ name: n, color: colors.get(n) || PALETTE[0] })), hidden, onToggle);
	put(body, toggles, chart.box, h('div', { class: 'card' }, costTable(rows, currency, t('cons.cost_by_tariff', { commodity: commodityName(hist.commodity) }))));
	return [
		() => {
			const c = chart.draw();
			c.data.datasets.forEach((d, i) => c.setDatasetVisibility(i, !hidden.has(d.label)));
			// a legend click is a checkbox click, so both stay in step
			c.options.plugins.legend.onClick = (e, item) => body.querySelector(`[data-tariff-toggles] input[data-tariff="${CSS.escape(item.text)}"]`)?.click();
			c.update();
		},
	];
}

export default async function render(body, ctx) {
	const state = periodState(ctx);
	const sub = ctx.segments[1] === 'details' ? 'details' : 'total';
	const keep = { period: state.period, date: state.date };
	const nav = tabs(
		[
			{ id: 'total', label: t('cons.tariffs_total'), href: ctx.href('consumption/tariffs', keep) },
			{ id: 'details', label: t('cons.tariffs_details'), href: ctx.href('consumption/tariffs/details', keep) },
		],
		sub
	);
	nav.classList.add('cons-subtabs');
	nav.setAttribute('aria-label', t('cons.tariffs_views'));
	body.dataset.sub = sub;
	put(body, h('h2', {}, t('cons.tariffs_title')), h('p', { class: 'lead' }, t(sub === 'details' ? 'cons.tariffs_details_lead' : 'cons.tariffs_total_lead')), nav);
	return sub === 'details' ? renderDetails(body, ctx, state) : renderTotal(body, ctx, state);
}
