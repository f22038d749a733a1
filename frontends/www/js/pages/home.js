// Home (manual §8): one tile per page the user's rights allow, so each role
// lands on what it may do.

import { t } from '../i18n.js';
import { h, clear } from '../ui.js';
import { allowedPages } from '../app.js';

export default async function render(view, ctx) {
	const tiles = allowedPages().map((p) =>
		h('li', {}, h('a', { class: `tile tile-${p.id}`, href: ctx.href(p.id) }, h('span', { class: 'tile-title' }, t(p.title)), h('span', { class: 'tile-blurb' }, t(p.blurb))))
	);
	clear(
		view,
		h('h1', {}, t('home.welcome', { name: ctx.session.user.name })),
		h('p', { class: 'lead' }, ctx.settings.site_name ? t('home.site', { site: ctx.settings.site_name, tz: ctx.timeZone }) : ''),
		tiles.length ? h('ul', { class: 'tiles' }, tiles) : h('p', {}, t('home.no_pages'))
	);
}
