// Green'Up (§8.3, §12.3; UI-1, EVS-4, EVS-5): #/greenup/details (the
// default) shows the zone, the phases and every station; #/greenup/manage
// sets Start/Wait and Normal/Priority for the charge now on a station. Both
// follow GET /evse/status every few seconds while shown.

import { api } from '../api.js';
import { t } from '../i18n.js';
import { h, clear, header, tabs, badge } from '../ui.js';
import { loadGroups, filterValue, filterControl, statusPoller, freshness } from './greenup/common.js';
import { loadCatalogue } from './panel/common.js';
import { drawDetails } from './greenup/details.js';
import { drawManage, clearMessages } from './greenup/manage.js';

const VIEWS = ['details', 'manage'];
const ZONE_KIND = { green: 'ok', yellow: 'warn', red: 'bad' };

// Management keeps the zone in sight: it is why a charge waits.
function strip(status, timeZone) {
	return h(
		'p',
		{ class: 'gu-strip', dataset: { zone: status.zone } },
		t('greenup.zone'),
		' ',
		badge(t(`greenup.zone.${status.zone}`), `zone ${ZONE_KIND[status.zone]}`),
		!status.enabled ? badge(t('greenup.off'), 'off') : null,
		h('span', { class: 'help' }, freshness(status, timeZone))
	);
}

export default async function render(view, ctx) {
	const tab = VIEWS.includes(ctx.segments[0]) ? ctx.segments[0] : 'details';
	const path = `greenup/${tab}`;
	const [status, config, groups, catalogue] = await Promise.all([
		api.get('/evse/status'),
		api.get('/evse/config').catch((e) => {
			if (e.status === 401) {
				throw e;
			}
			return null;
		}),
		loadGroups(ctx),
		loadCatalogue(),
	]);
	const modelName = (key) => catalogue.get(key)?.name || key;
	const show = filterValue(ctx, groups);
	const parts = {
		summary: h('div', { class: 'gu-summary-slot' }),
		stations: h('div', { class: 'ev-grid', dataset: { stations: tab, show } }),
	};
	clearMessages();
	const draw = (st) => {
		if (tab === 'details') {
			drawDetails(parts, ctx, st, config, show, groups, modelName);
		} else {
			clear(parts.summary, strip(st, ctx.timeZone));
			drawManage(parts, ctx, st, show, groups, tick);
		}
	};
	clear(
		view,
		header(t('nav.greenup')),
		tabs(VIEWS.map((v) => ({ id: v, label: t(`greenup.view.${v}`), href: ctx.href(`greenup/${v}`) })), tab),
		tab === 'manage' ? h('p', { class: 'lead' }, t('greenup.manage.lead')) : null,
		parts.summary,
		h('div', { class: 'page-head gu-stations-head' }, h('h2', {}, t('greenup.stations')), h('div', { class: 'toolbar' }, filterControl(ctx, path, show, groups))),
		parts.stations
	);
	const tick = statusPoller(ctx, draw);
	draw(status);
}
