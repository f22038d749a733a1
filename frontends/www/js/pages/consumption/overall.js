// Grand total — overall (CON-4, manual §8.2.2.1): electricity, gas (in m³
// and in kWh-equivalent through the site's conversion factor) and water of
// the whole site, with their costs and a pie of the costs.

import { api } from '../../api.js';
import { t, num, money } from '../../i18n.js';
import { h, table, badge } from '../../ui.js';
import { chartBox, pie } from '../../charts.js';
import { amount, COMMODITY_COLORS } from './common.js';
import { periodBar, periodState, emptyNote, swatch, put } from './widgets.js';

function rows(o, gasFactor) {
	return [
		{ id: 'electricity', value: amount(o.electricity_wh, 'Wh'), equiv: '–', cost: o.electricity_cost },
		{ id: 'gas', value: amount(o.gas_dm3, 'dm3'), equiv: gasFactor && typeof o.gas_kwh_equiv === 'number' ? `${num(o.gas_kwh_equiv, 2)} kWh` : '–', cost: o.gas_cost },
		{ id: 'water', value: amount(o.water_dm3, 'dm3'), equiv: '–', cost: o.water_cost },
	];
}

export default async function render(body, ctx) {
	const state = periodState(ctx);
	const o = await api.get('/consumption/overall', { period: state.period, date: state.date, costs: 1 });
	const gasFactor = ctx.settings.gas_factor_kwh_per_m3;
	const currency = o.currency || ctx.currency;
	put(body, h('h2', {}, t('cons.overall_title')), h('p', { class: 'lead' }, t('cons.overall_lead')), periodBar(ctx, 'consumption/overall', {}, state));
	const list = rows(o, gasFactor);
	const tbl = table(
		[
			{ key: 'name', label: t('cons.commodity'), render: (r) => h('span', {}, swatch(COMMODITY_COLORS[r.id]), t(`cons.commodity_${r.id}`)) },
			{ key: 'value', label: t('cons.consumption'), cls: 'num' },
			{ key: 'equiv', label: t('cons.kwh_equivalent'), cls: 'num' },
			{ key: 'cost', label: t('cons.cost'), cls: 'num', render: (r) => money(r.cost, currency) },
		],
		list,
		{ caption: t('cons.overall_caption') }
	);
	tbl.dataset.overall = '';
	tbl.querySelectorAll('tbody tr').forEach((tr, i) => (tr.dataset.commodity = list[i].id));
	const kpis = h(
		'dl',
		{ class: 'cons-kpis', dataset: { overallTotal: '' } },
		h('div', { class: 'cons-kpi cons-kpi-current' }, h('dt', {}, t('cons.total_cost')), h('dd', { class: 'cons-kpi-value' }, money(o.total_cost, currency)), o.estimated ? h('dd', {}, badge(t('cons.estimated'), 'warn')) : null)
	);
	const help = gasFactor ? null : h('p', { class: 'help cons-note' }, t('cons.no_gas_factor'));
	const costs = [o.electricity_cost, o.gas_cost, o.water_cost];
	if (!costs.some((c) => c > 0)) {
		put(body, kpis, h('div', { class: 'card' }, tbl, help), emptyNote(t('cons.no_costs')));
		return [];
	}
	const { box, canvas } = chartBox(t('cons.cost_by_commodity'), 'overall');
	put(body, h('div', { class: 'cons-pies' }, h('div', {}, kpis, h('div', { class: 'card' }, tbl, help)), box));
	return [
		() => {
			const chart = pie(canvas, { labels: list.map((r) => t(`cons.commodity_${r.id}`)), data: costs, colors: list.map((r) => COMMODITY_COLORS[r.id]), unit: currency });
			chart.options.plugins.tooltip.callbacks.label = (c) => `${c.label}: ${money(c.parsed, currency)}`;
			chart.update();
			ctx.onCleanup(() => chart.destroy());
		},
	];
}
