// The split of a site histogram per load or per measure group (CON-3,
// CON-5): each item's total against its previous period, as a chart and as
// a table, with the costs the API gives.

import { t, money } from '../../i18n.js';
import { h, table, badge } from '../../ui.js';
import { chartBox, bars } from '../../charts.js';
import { compareLabels, scaleFor, scaled, quantity } from './common.js';

// hist: an API histogram with split; kind: load | group; link(item): the
// address of the item's own histogram.
export function splitSection(ctx, hist, state, { kind, link }) {
	const items = hist.split || [];
	const labels = compareLabels(state.period, state.date, state.today);
	const scale = scaleFor(hist.unit, items.flatMap((s) => [s.total, s.previous_total]));
	const title = t(kind === 'group' ? 'cons.by_group' : 'cons.by_load');
	if (!items.length) {
		return { el: h('section', { class: 'card cons-split' }, h('h3', {}, title), h('p', { class: 'empty' }, t('cons.split_empty'))), draws: [] };
	}
	const { box, canvas } = chartBox(title, kind === 'group' ? 'groups' : 'loads');
	const hasCost = items.some((s) => 'cost' in s);
	const columns = [
		{ key: 'name', label: t(kind === 'group' ? 'cons.group' : 'cons.load'), render: (s) => (link ? h('a', { href: link(s) }, s.name) : s.name) },
		{ key: 'total', label: labels.short, cls: 'num', render: (s) => quantity(s.total, scale) },
		{ key: 'previous', label: labels.previous, cls: 'num', render: (s) => (s.previous_total === null ? '–' : quantity(s.previous_total, scale)) },
	];
	if (hasCost) {
		columns.push({ key: 'cost', label: t('cons.cost'), cls: 'num', render: (s) => money(s.cost, hist.currency) });
	}
	if (items.some((s) => s.estimated)) {
		columns.push({ key: 'flags', label: t('cons.notes'), render: (s) => (s.estimated ? badge(t('cons.estimated'), 'warn') : '') });
	}
	const tbl = table(columns, items, { caption: title });
	tbl.dataset.split = kind;
	// the chart above already says it
	tbl.querySelector('caption').classList.add('sr-only');
	const draw = () => {
		const chart = bars(canvas, {
			labels: items.map((s) => s.name),
			datasets: [
				{ label: labels.short, data: items.map((s) => scaled(s.total, scale)), color: '#0b5cad' },
				{ label: labels.previous, data: items.map((s) => scaled(s.previous_total, scale)), color: '#9aa5b1' },
			],
			unit: scale.unit,
			digits: scale.digits,
		});
		ctx.onCleanup(() => chart.destroy());
	};
	return { el: h('div', { class: 'cons-split-grid' }, box, h('div', { class: 'cons-split-table' }, tbl)), draws: [draw] };
}
