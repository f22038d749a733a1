// System configuration (manual §7.16): the installer's pages, in the
// manual's configuration sequence. Each view has its own address under
// #/system/<view>; the views live in pages/system/ and are loaded on demand.

import { t } from '../i18n.js';
import { h, clear, header, tabs } from '../ui.js';

// id: the first segment of the address; also: the other segments that open
// the same tab (loads, groups and panel boards share one).
const VIEWS = [
	{ id: 'gateways', label: 'sys.tab.gateways', load: () => import('./system/gateways.js') },
	{ id: 'loads', also: ['groups', 'boards'], label: 'sys.tab.loads', load: () => import('./system/categories.js') },
	{ id: 'bill', label: 'sys.tab.bill', load: () => import('./system/bill.js') },
	{ id: 'acquisition', label: 'sys.tab.acquisition', load: () => import('./system/acquisition.js') },
	{ id: 'greenup', label: 'sys.tab.greenup', load: () => import('./system/greenup.js') },
];

export default async function render(view, ctx) {
	const first = ctx.segments[0] || 'gateways';
	const current = VIEWS.find((v) => v.id === first || (v.also || []).includes(first));
	const nav = tabs(
		VIEWS.map((v) => ({ id: v.id, label: t(v.label), href: ctx.href(`system/${v.id}`) })),
		current ? current.id : null
	);
	const body = h('div', { class: 'sys-view', dataset: { view: current ? first : 'unknown' } });
	clear(view, header(t('nav.system_config')), nav, body);
	if (!current) {
		clear(body, h('p', { class: 'page-error', role: 'alert' }, t('ui.not_found_help')));
		body.dataset.loaded = 'true';
		return;
	}
	// A dialog left open (an edit, a confirmation) must not outlive its page.
	ctx.onCleanup(() => document.querySelectorAll('dialog[open]').forEach((d) => d.close()));
	const mod = await current.load();
	// The view gets the segments after its own id; "loads", "groups" and
	// "boards" keep theirs so the shared module knows which one it shows.
	let sub = ctx.segments.slice(1);
	if (current.also) {
		sub = ctx.segments.length ? ctx.segments : [current.id];
	}
	const out = await mod.default(body, { ...ctx, segments: sub });
	// The shell's main[data-ready] stays true from the previous view while
	// this one loads; this marks the view itself as drawn.
	body.dataset.loaded = 'true';
	return out;
}
