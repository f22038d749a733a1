// Reports: alarms (manual §8.7, NOT-4): the log of device status changes —
// a device that stops answering, answers again, is switched off or reports
// a station failure — newest first, for a period of days in the site's time
// zone. The filters live in the address (#/alarms?from=&to=&kind=&device=)
// so a view can be bookmarked or sent to a colleague. The server filters,
// orders and pages the log (GET /events), and each event carries the names
// of its device and gateway: a user with only this page can read no device
// or gateway list.

import { api } from '../api.js';
import { t, dateTime } from '../i18n.js';
import { h, clear, header, button, table, field, badge, showError, clearErrors } from '../ui.js';

const PAGE_SIZE = 50;
const DEFAULT_DAYS = 7;
const KINDS = ['comm_error', 'station_failure', 'off', 'on', 'unknown'];
const KIND_CLASS = { comm_error: 'bad', station_failure: 'bad', off: 'off', on: 'ok', unknown: '' };
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

// The wall-clock fields of instant ms in zone tz.
function zoneParts(ms, tz) {
	const fmt = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
	return Object.fromEntries(fmt.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
}

function zoneOffsetMs(ms, tz) {
	const p = zoneParts(ms, tz);
	return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second) - Math.floor(ms / 1000) * 1000;
}

// The instant a site day begins, as the API takes it (ISO 8601, Z). The
// offset is looked up twice because the day may start on the other side of
// a daylight-saving change from midnight UTC.
export function dayStart(date, tz) {
	const [y, m, d] = date.split('-').map(Number);
	const guess = Date.UTC(y, m - 1, d);
	let ms = guess - zoneOffsetMs(guess, tz);
	ms = guess - zoneOffsetMs(ms, tz);
	// Where clocks jump over midnight (America/Santiago) the day begins at
	// the first instant that is on it.
	const p = zoneParts(ms, tz);
	if (`${p.year}-${p.month}-${p.day}` < date) {
		ms += ((24 - p.hour) * 60 - p.minute) * 60000;
	}
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function today(tz) {
	const p = zoneParts(Date.now(), tz);
	return `${p.year}-${p.month}-${p.day}`;
}

function addDays(date, n) {
	const [y, m, d] = date.split('-').map(Number);
	return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

// The period and filters of the address, with a week ending today for
// whatever is missing or malformed.
function filters(ctx) {
	const q = ctx.query;
	const to = DATE_RE.test(q.to || '') ? q.to : today(ctx.timeZone);
	const from = DATE_RE.test(q.from || '') ? q.from : addDays(to, 1 - DEFAULT_DAYS);
	const kind = KINDS.includes(q.kind) ? q.kind : '';
	const device = /^[1-9]\d*$/.test(q.device || '') ? q.device : '';
	return { from, to, kind, device };
}

function kindLabel(status) {
	return t(`alarms.kind_${status}`);
}

// A device's name, or its id once it is deleted (events outlive it).
function deviceLabel(id, name) {
	return name ?? t('alarms.device_id', { id });
}

function deviceCell(e) {
	if (e.device_name == null) {
		return h('span', { class: 'alarms-device' }, t('alarms.device_id', { id: e.device_id }), h('small', { class: 'help' }, t('alarms.device_deleted')));
	}
	return h('span', { class: 'alarms-device' }, h('strong', {}, e.device_name), h('small', { class: 'help' }, t('alarms.address', { address: e.device_address })));
}

function gatewayCell(e) {
	return e.gateway_name ?? t('alarms.gateway_id', { id: e.gateway_id });
}

function eventCell(e) {
	return h(
		'span',
		{ class: 'alarms-kind' },
		badge(kindLabel(e.new_status), KIND_CLASS[e.new_status] || ''),
		h('small', { class: 'help' }, t('alarms.was', { status: kindLabel(e.old_status) }))
	);
}

function eventsTable(events, ctx) {
	const columns = [
		{ key: 'time', label: t('alarms.time'), cls: 'alarms-time', render: (e) => h('time', { datetime: e.time }, dateTime(e.t_ms, ctx.timeZone)) },
		{ key: 'device', label: t('alarms.device'), render: deviceCell },
		{ key: 'gateway', label: t('alarms.gateway'), render: gatewayCell },
		{ key: 'event', label: t('alarms.event'), render: eventCell },
		{ key: 'reason', label: t('alarms.details'), cls: 'alarms-reason', render: (e) => h('span', { class: 'alarms-reason-text' }, e.reason || '–') },
	];
	const tbl = table(columns, events);
	tbl.classList.add('alarms-table');
	tbl.setAttribute('aria-label', t('alarms.table'));
	tbl.querySelectorAll('tbody tr').forEach((tr, i) => {
		tr.dataset.eventId = String(events[i].id);
		tr.dataset.kind = events[i].new_status;
		tr.dataset.deviceId = String(events[i].device_id);
	});
	return tbl;
}

// Device choices: the devices of the period's log (deleted ones too), and
// the one chosen even when it has no event in the period.
function deviceOptions(devices, f) {
	const opts = new Map(devices.map((d) => [String(d.id), deviceLabel(d.id, d.name)]));
	if (f.device && !opts.has(f.device)) {
		opts.set(f.device, deviceLabel(f.device, null));
	}
	return [...opts].sort((a, b) => a[1].localeCompare(b[1])).map(([value, label]) => ({ value, label }));
}

function filterForm(f, devices, ctx) {
	const form = h(
		'form',
		{ class: 'alarms-filters', novalidate: true, 'aria-label': t('alarms.filters') },
		field({ name: 'from', label: t('alarms.from'), type: 'date', value: f.from, attrs: { max: today(ctx.timeZone) } }),
		field({ name: 'to', label: t('alarms.to'), type: 'date', value: f.to, attrs: { max: today(ctx.timeZone) } }),
		field({ name: 'kind', label: t('alarms.kind'), type: 'select', value: f.kind, options: [{ value: '', label: t('alarms.all_kinds') }, ...KINDS.map((k) => ({ value: k, label: kindLabel(k) }))] }),
		field({ name: 'device', label: t('alarms.device'), type: 'select', value: f.device, options: [{ value: '', label: t('alarms.all_devices') }, ...deviceOptions(devices, f)] }),
		h('div', { class: 'alarms-apply' }, h('button', { type: 'submit', class: 'primary', dataset: { action: 'apply' } }, t('alarms.apply')))
	);
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		clearErrors(form);
		const v = Object.fromEntries(['from', 'to', 'kind', 'device'].map((n) => [n, form.elements[n].value]));
		if (!DATE_RE.test(v.from)) {
			showError(form, { message: t('alarms.bad_date') }, 'from');
			return;
		}
		if (!DATE_RE.test(v.to)) {
			showError(form, { message: t('alarms.bad_date') }, 'to');
			return;
		}
		if (v.from > v.to) {
			showError(form, { message: t('alarms.from_after_to') }, 'from');
			return;
		}
		ctx.go('alarms', v);
	});
	return form;
}

// Shortcuts for the periods looked at most: today, a week, a month.
function quickRanges(f, ctx) {
	const end = today(ctx.timeZone);
	const ranges = [
		['today', 1],
		['week', 7],
		['month', 30],
	];
	return h(
		'div',
		{ class: 'alarms-quick', role: 'group', 'aria-label': t('alarms.quick') },
		ranges.map(([id, days]) => {
			const from = addDays(end, 1 - days);
			const on = f.from === from && f.to === end;
			return h('a', { class: `button small${on ? ' active' : ''}`, href: ctx.href('alarms', { from, to: end, kind: f.kind, device: f.device }), 'aria-current': on ? 'true' : null, dataset: { range: id } }, t(`alarms.range_${id}`));
		})
	);
}

// The period as the API takes it: from the first instant of `from` to the
// first of the day after `to`.
function period(f, ctx) {
	return { from: dayStart(f.from, ctx.timeZone), to: dayStart(addDays(f.to, 1), ctx.timeZone) };
}

// One page of events, newest first, after event `before` (the last one
// shown). One more than a page is asked for, so that "Show more" is offered
// only when there is more.
async function loadPage(f, ctx, before) {
	const events = await api.get('/events', { ...period(f, ctx), status: f.kind, device: f.device, order: 'desc', limit: PAGE_SIZE + 1, before });
	return { events: events.slice(0, PAGE_SIZE), more: events.length > PAGE_SIZE };
}

// The devices of the period's log: the latest event of each.
async function loadDevices(f, ctx) {
	const latest = await api.get('/events', { ...period(f, ctx), latest: 1 });
	return latest.map((e) => ({ id: e.device_id, name: e.device_name }));
}

async function load(f, ctx) {
	const [first, devices] = await Promise.all([loadPage(f, ctx), loadDevices(f, ctx)]);
	return { ...first, devices };
}

function summary(f, ctx, data) {
	const day = (d) => dateTime(Date.parse(dayStart(d, ctx.timeZone)), ctx.timeZone, { dateStyle: 'medium' });
	const n = data.events.length;
	let count = null;
	if (data.more) {
		count = t('alarms.showing_latest', { shown: n });
	} else if (n) {
		count = t(n === 1 ? 'alarms.count_one' : 'alarms.count', { n });
	}
	return h('p', { class: 'alarms-summary', dataset: { summary: '' } }, t('alarms.period', { from: day(f.from), to: day(f.to) }), count ? [' · ', count] : null);
}

export default async function render(view, ctx) {
	const f = filters(ctx);
	let data = await load(f, ctx);
	const list = h('div', { class: 'alarms-list' });
	const tools = h('div', { class: 'alarms-tools' });
	const drawTools = () => clear(tools, filterForm(f, data.devices, ctx), quickRanges(f, ctx));
	function drawList(error) {
		let more = null;
		if (data.more) {
			more = button(t('alarms.more'), async () => {
				more.disabled = true;
				more.setAttribute('aria-busy', 'true');
				const shown = data.events.length;
				try {
					const next = await loadPage(f, ctx, data.events[shown - 1].id);
					if (!ctx.current()) {
						return;
					}
					data = { ...data, events: [...data.events, ...next.events], more: next.more };
					drawList();
				} catch (err) {
					drawList(err.message);
				}
				// Keep the keyboard where it was, not at the top of the page:
				// on the button, or on the first new row when there is no
				// more.
				let target = list.querySelector('[data-action=more]');
				if (!target) {
					target = list.querySelectorAll('table.alarms-table tbody tr')[shown] || null;
					target?.setAttribute('tabindex', '-1');
				}
				target?.focus();
			}, 'alarms-more');
			more.dataset.action = 'more';
		}
		const empty = h('p', { class: 'empty', dataset: { empty: '' } }, f.kind || f.device ? t('alarms.none_filtered') : t('alarms.none'));
		clear(
			list,
			summary(f, ctx, data),
			data.events.length ? eventsTable(data.events, ctx) : empty,
			error ? h('p', { class: 'page-error', role: 'alert' }, error) : null,
			more
		);
	}
	const refresh = button(t('ui.refresh'), async (e) => {
		const btn = e.currentTarget;
		btn.disabled = true;
		btn.setAttribute('aria-busy', 'true');
		try {
			data = await load(f, ctx);
			if (ctx.current()) {
				drawTools();
				drawList();
			}
		} catch (err) {
			clear(list, h('p', { class: 'page-error', role: 'alert' }, err.message));
		} finally {
			btn.disabled = false;
			btn.removeAttribute('aria-busy');
		}
	});
	refresh.dataset.action = 'refresh';
	drawTools();
	drawList();
	clear(view, header(t('nav.alarms'), refresh), h('p', { class: 'lead' }, t('alarms.intro', { tz: ctx.timeZone })), tools, list);
	return undefined;
}
