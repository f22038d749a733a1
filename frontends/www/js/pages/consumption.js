// Consumptions (manual §8.2.2, §12.2.2; CON-2..CON-9): one tab per view of
// the manual, each with its own address #/consumption/<view>?period=&date=…
// so that a view can be bookmarked, shared or opened by a test directly.
// The period and date travel from tab to tab.

import { t } from '../i18n.js';
import { h, clear, header, tabs } from '../ui.js';
import { restoreFocus } from './consumption/widgets.js';

const VIEWS = [
	{ id: 'total', label: 'cons.tab_total', load: () => import('./consumption/total.js') },
	{ id: 'overall', label: 'cons.tab_overall', load: () => import('./consumption/overall.js') },
	{ id: 'partials', label: 'cons.tab_partials', load: () => import('./consumption/partials.js') },
	{ id: 'compare', label: 'cons.tab_compare', load: () => import('./consumption/compare.js') },
	{ id: 'details', label: 'cons.tab_details', load: () => import('./consumption/details.js') },
	{ id: 'tariffs', label: 'cons.tab_tariffs', load: () => import('./consumption/tariffs.js') },
	{ id: 'browse', label: 'cons.tab_browse', load: () => import('./consumption/browse.js') },
];

export default async function render(view, ctx) {
	const id = ctx.segments[0] || 'total';
	const current = VIEWS.find((v) => v.id === id);
	const keep = { period: ctx.query.period, date: ctx.query.date };
	const nav = tabs(
		VIEWS.map((v) => ({ id: v.id, label: t(v.label), href: ctx.href(`consumption/${v.id}`, keep) })),
		current ? current.id : null
	);
	nav.classList.add('cons-tabs');
	const body = h('div', { class: 'cons', dataset: { view: id } });
	if (!current) {
		clear(view, header(t('nav.consumption')), nav, h('h2', {}, t('ui.not_found')), h('p', {}, t('ui.not_found_help')));
		return;
	}
	const mod = await current.load();
	// a view fills body and returns the charts to draw: Chart.js sizes a
	// canvas from its container, so they are drawn once in the page
	const draws = (await mod.default(body, ctx)) || [];
	clear(view, header(t('nav.consumption')), nav, body);
	draws.forEach((draw) => draw());
	restoreFocus(view);
}
