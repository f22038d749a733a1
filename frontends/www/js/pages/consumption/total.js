// Grand total — electricity (CON-3, manual §8.2.2.1): every device not
// excluded from totals, per hour / day / month / year, against the previous
// period, and split per load.

import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { h } from '../../ui.js';
import { scaleFor } from './common.js';
import { periodBar, periodState, comparison, unpricedNote, histogram, valuesTable, emptyNote, put } from './widgets.js';
import { splitSection } from './split.js';

export default async function render(body, ctx) {
	const state = periodState(ctx);
	const hist = await api.get('/consumption', { scope: 'site', commodity: 'electricity', period: state.period, date: state.date, split: 'load', costs: 1 });
	const totals = scaleFor(hist.unit, [hist.total, hist.previous_total]);
	const scale = scaleFor(hist.unit, hist.buckets.map((b) => b.value));
	const draws = [];
	put(
		body,
		h('h2', {}, t('cons.total_title')),
		h('p', { class: 'lead' }, t('cons.total_lead')),
		periodBar(ctx, 'consumption/total', {}, state),
		comparison(hist, state, totals),
		unpricedNote(hist)
	);
	if (!hist.buckets.some((b) => b.recorded)) {
		put(body, emptyNote(t('cons.no_consumption')));
		return draws;
	}
	const chart = histogram(ctx, { title: t(`cons.per_${state.period}`), kind: 'total', period: state.period, series: [{ label: t('cons.commodity_electricity'), hist }], scale, currency: hist.currency });
	const split = splitSection(ctx, hist, state, { kind: 'load', link: (s) => ctx.href('consumption/partials', { load: s.id, period: state.period, date: state.date }) });
	put(body, chart.box, split.el, valuesTable(state.period, [{ label: t('cons.commodity_electricity'), hist }], { scale, currency: hist.currency, withCost: true }));
	draws.push(chart.draw, ...split.draws);
	return draws;
}
