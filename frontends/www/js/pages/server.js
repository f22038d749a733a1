// Web server configuration (manual §7.9, §7.11, §8.1, §8.4.1, §8.8): one
// tab per view, each with its own address (#/server/users, …), so a view
// can be bookmarked and a test can open it directly.

import { t } from '../i18n.js';
import { h, clear, header, tabs } from '../ui.js';

const VIEWS = [
	{ id: 'users', title: 'server.tab_users', load: () => import('./server/users.js') },
	{ id: 'site', title: 'server.tab_site', load: () => import('./server/site.js') },
	{ id: 'csv', title: 'server.tab_csv', load: () => import('./server/csv.js') },
	{ id: 'system', title: 'server.tab_system', load: () => import('./server/system.js') },
];

export default async function render(view, ctx) {
	// Users first, as in the manual, for those who may manage them; the
	// others land on a view they can use.
	const wanted = ctx.segments[0] || (ctx.session.user.manager ? 'users' : 'site');
	const active = VIEWS.find((v) => v.id === wanted);
	const nav = tabs(
		VIEWS.map((v) => ({ id: v.id, label: t(v.title), href: ctx.href(`server/${v.id}`) })),
		active ? active.id : null
	);
	const body = h('div', { class: 'server-view', dataset: { view: active ? active.id : 'none' } });
	clear(view, header(t('nav.server_config')), nav, body);
	if (!active) {
		clear(body, h('h2', {}, t('ui.not_found')), h('p', {}, t('ui.not_found_help')));
		return undefined;
	}
	const mod = await active.load();
	return mod.default(body, ctx);
}
