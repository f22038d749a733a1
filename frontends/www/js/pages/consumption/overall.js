// Grand total — overall (CON-4, manual §8.2.2.1): electricity, gas (in m³
// and in kWh-equivalent through the site's conversion factor) and water of
// the whole site, with their costs and a pie of the costs, against the
// period before ("this month vs last month"): the API's previous figures,
// shown as they come (null: nothing was recorded then).

import { api } from '../../api.js';
import { t, num, money } from '../../i18n.js';
import { h, table, badge } from '../../ui.js';
import { chartBox, pie } from '../../charts.js';
import { amount, compareLabels, COMMODITY_COLORS } from './common.js';
import { periodBar, periodState, emptyNote, swatch, put } from './widgets.js';

const orDash = (v, show) => (v === null || v === undefined ? '–' : show(v));

function rows(o, gasFactor) {
	const kwh = (v) => `${num(v, 2)} kWh`;
	return [
		{ id: 'electricity', value: amount(o.electricity_wh, 'Wh'), equiv: '–', previous: orDash(o.previous_electricity_wh, (v) => amount(v, 'Wh')), cost: o.electricity_cost, previousCost: o.previous_electricity_cost },
		{
			id: 'gas',
			value: amount(o.gas_dm3, 'dm3'),
			equiv: gasFactor && typeof o.gas_kwh_equiv === 'number' ? kwh(o.gas_kwh_equiv) : '–',
			previous: orDash(o.previous_gas_dm3, (v) => (gasFactor && typeof o.previous_gas_kwh_equiv === 'number' ? h('span', {}, amount(v, 'dm3'), h('br'), kwh(o.previous_gas_kwh_equiv)) : amount(v, 'dm3'))),
			cost: o.gas_cost,
			previousCost: o.previous_gas_cost,
		},
		{ id: 'water', value: amount(o.water_dm3, 'dm3'), equiv: '–', previous: orDash(o.previous_water_dm3, (v) => amount(v, 'dm3')), cost: o.water_cost, previousCost: o.previous_water_cost },
	];
}

export default async function render(body, ctx) {
	const state = periodState(ctx);
	const o = await api.get('/consumption/overall', { period: state.period, date: state.date, costs: 1 });
	const gasFactor = ctx.settings.gas_factor_kwh_per_m3;
	const currency = o.currency || ctx.currency;
	put(body, h('h2', {}, t('cons.overall_title')), h('p', { class: 'lead' }, t('cons.overall_lead')), periodBar(ctx, 'consumption/overall', {}, state));
	const labels = compareLabels(state.period, state.date, state.today);
	const list = rows(o, gasFactor);
	const tbl = table(
		[
			{ key: 'name', label: t('cons.commodity'), render: (r) => h('span', {}, swatch(COMMODITY_COLORS[r.id]), t(`cons.commodity_${r.id}`)) },
			{ key: 'value', label: labels.short, cls: 'num' },
			{ key: 'equiv', label: t('cons.kwh_equivalent'), cls: 'num' },
			{ key: 'previous', label: labels.previous, cls: 'num' },
			{ key: 'cost', label: t('cons.cost_of', { name: labels.short }), cls: 'num', render: (r) => money(r.cost, currency) },
			{ key: 'previousCost', label: t('cons.cost_of', { name: labels.previous }), cls: 'num', render: (r) => orDash(r.previousCost, (v) => money(v, currency)) },
		],
		list,
		{ caption: t('cons.overall_caption') }
	);
	tbl.dataset.overall = '';
	tbl.querySelectorAll('tbody tr').forEach((tr, i) => (tr.dataset.commodity = list[i].id));
	const kpis = h(
		'dl',
		{ class: 'cons-kpis', dataset: { overallTotal: '' } },
		h('div', { class: 'cons-kpi cons-kpi-current' }, h('dt', {}, t('cons.total_cost')), h('dd', { class: 'cons-kpi-value' }, money(o.total_cost, currency)), o.estimated ? h('dd', {}, badge(t('cons.estimated'), 'warn')) : null),
		h('div', { class: 'cons-kpi cons-kpi-previous', dataset: { previous: '' } }, h('dt', {}, t('cons.cost_of', { name: labels.previous })), h('dd', { class: 'cons-kpi-value' }, orDash(o.previous_total_cost, (v) => money(v, currency))))
	);
	const help = gasFactor ? null : h('p', { class: 'help cons-note' }, t('cons.no_gas_factor'));
	const costs = [o.electricity_cost, o.gas_cost, o.water_cost];
	if (!costs.some((c) => c > 0)) {
		put(body, kpis, h('div', { class: 'card' }, tbl, help), emptyNote(t('cons.no_costs')));
		return [];
	}
	const { box, canvas } = chartBox(t('cons.cost_by_commodity'), 'overall');
	// the table, with the period before, is too wide to share a row
	put(body, h('div', { class: 'cons-pies' }, kpis, box), h('div', { class: 'card' }, tbl, help));
	return [
		() => {
			const chart = pie(canvas, { labels: list.map((r) => t(`cons.commodity_${r.id}`)), data: costs, colors: list.map((r) => COMMODITY_COLORS[r.id]), unit: currency });
			chart.options.plugins.tooltip.callbacks.label = (c) => `${c.label}: ${money(c.parsed, currency)}`;
			chart.update();
			ctx.onCleanup(() => chart.destroy());
		},
	];
}
