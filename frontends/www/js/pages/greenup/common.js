// What both Green'Up views share: the status poll (GET /evse/status every
// few seconds while the view is shown), the station filter of the manual
// (priority, measure group, all) and the badges of a station.

import { api } from '../../api.js';
import { t, num, dateTime } from '../../i18n.js';
import { h, clear, badge, nextId } from '../../ui.js';

export const EVERY_MS = 3000;

// Groups need /groups and /devices, which a user with the greenup page
// alone may not read: then the filter offers priority and all only.
export async function loadGroups(ctx) {
	if (!(ctx.allowed('system') || ctx.allowed('panel') || ctx.allowed('consumption'))) {
		return null;
	}
	try {
		const [groups, devices] = await Promise.all([api.get('/groups'), api.get('/devices')]);
		return { groups: groups.filter((g) => g.enabled), memberOf: new Map(devices.map((d) => [d.id, d.group_ids])) };
	} catch (e) {
		if (e.status === 401) {
			throw e;
		}
		return null;
	}
}

export function filterValue(ctx, groups) {
	const v = ctx.query.show || 'all';
	if (v === 'priority' || v === 'normal') {
		return v;
	}
	if (groups && /^group:\d+$/.test(v) && groups.groups.some((g) => `group:${g.id}` === v)) {
		return v;
	}
	return 'all';
}

export function applyFilter(stations, show, groups) {
	if (show === 'priority') {
		return stations.filter((s) => s.priority);
	}
	if (show === 'normal') {
		return stations.filter((s) => !s.priority);
	}
	if (show.startsWith('group:')) {
		const id = Number(show.slice(6));
		return stations.filter((s) => (groups.memberOf.get(s.id) || []).includes(id));
	}
	return stations;
}

export function filterControl(ctx, path, show, groups) {
	const id = nextId('show');
	const options = [
		{ value: 'all', label: t('greenup.show.all') },
		{ value: 'priority', label: t('greenup.show.priority') },
		{ value: 'normal', label: t('greenup.show.normal') },
		...(groups ? groups.groups.map((g) => ({ value: `group:${g.id}`, label: t('greenup.show.group', { name: g.name }) })) : []),
	];
	return h(
		'span',
		{ class: 'ctl' },
		h('label', { for: id }, t('greenup.show.label')),
		h(
			'select',
			{ id, dataset: { control: 'show' }, onchange: (e) => ctx.go(path, e.target.value === 'all' ? {} : { show: e.target.value }) },
			options.map((o) => h('option', { value: o.value, selected: o.value === show }, o.label))
		)
	);
}

const CHARGE_KIND = { available: '', busy: 'warn', charging: 'ok', waiting: 'warn' };

export function chargeBadge(st) {
	const el = badge(t(`greenup.charge.${st.charge}`), `charge ${CHARGE_KIND[st.charge] ?? ''}`);
	el.dataset.charge = st.charge;
	return el;
}

export function priorityBadge(st) {
	return st.priority ? badge(`★ ${t('greenup.priority')}`, 'prio') : null;
}

// The station's own status, as the manual's button shows it: off (not
// powered), failure (an error), managed or not.
export function stationBadge(st) {
	if (st.error) {
		return badge(t('greenup.failure'), 'bad');
	}
	if (!st.powered) {
		return badge(t('greenup.not_powered'), 'off');
	}
	return st.managed ? badge(t('greenup.managed'), 'ok') : badge(t('greenup.not_managed'), 'warn');
}

export function amps(v, digits = 1) {
	return `${num(v, digits)} A`;
}

// When the loop last stored its status, and how long ago (the API's age_s).
export function freshness(status, timeZone) {
	if (!status.t_ms) {
		return t('greenup.never');
	}
	return t('greenup.updated', { time: dateTime(status.t_ms, timeZone, { timeStyle: 'medium' }), age: num(status.age_s, 0) });
}

// Polls the status; draw(status) repaints; focus moves to the same control
// (data-focus) in the new DOM so a keyboard user is not thrown out.
export function statusPoller(ctx, draw) {
	let busy = false;
	let again = false;
	const tick = async () => {
		if (!ctx.current()) {
			return;
		}
		if (busy) {
			// an action asked for a fresh status while a poll was out
			again = true;
			return;
		}
		busy = true;
		try {
			const status = await api.get('/evse/status');
			if (ctx.current()) {
				const key = document.activeElement?.dataset?.focus;
				draw(status);
				if (key) {
					document.querySelector(`[data-focus="${CSS.escape(key)}"]`)?.focus();
				}
			}
		} catch {
			// the next tick tries again; a lost session goes to the login
		} finally {
			busy = false;
		}
		if (again) {
			again = false;
			await tick();
		}
	};
	const timer = setInterval(tick, EVERY_MS);
	ctx.onCleanup(() => clearInterval(timer));
	return tick;
}

export function emptyStations(el, all, shown) {
	if (!all.length) {
		return clear(el, h('p', { class: 'empty' }, t('greenup.no_stations')));
	}
	if (!shown.length) {
		return clear(el, h('p', { class: 'empty' }, t('greenup.none_match')));
	}
	return null;
}
