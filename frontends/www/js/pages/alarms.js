// Reports: alarms (manual §8.7, NOT-4): the log of device status changes —
// a device that stops answering, answers again, is switched off or reports
// a station failure — newest first, for a period of days in the site's time
// zone. The filters live in the address (#/alarms?from=&to=&kind=&device=)
// so a view can be bookmarked or sent to a colleague.

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
	const device = /^\d+$/.test(q.device || '') ? q.device : '';
	return { from, to, kind, device };
}

// Names of devices and gateways come from routes of other pages; a user
// with only the alarms page sees ids instead.
async function names(ctx) {
	const out = { devices: new Map(), gateways: new Map() };
	if (!['system', 'panel', 'consumption'].some((p) => ctx.allowed(p))) {
		return out;
	}
	const [devices, gateways] = await Promise.all([api.get('/devices').catch(() => []), api.get('/gateways').catch(() => [])]);
	devices.forEach((d) => out.devices.set(d.id, d));
	gateways.forEach((g) => out.gateways.set(g.id, g));
	return out;
}

function kindLabel(status) {
	return t(`alarms.kind_${status}`);
}

function deviceCell(e, known) {
	const d = known.devices.get(e.device_id);
	if (!d) {
		return h('span', {}, t('alarms.device_id', { id: e.device_id }));
	}
	return h('span', { class: 'alarms-device' }, h('strong', {}, d.name), h('small', { class: 'help' }, t('alarms.address', { address: d.address })));
}

function gatewayCell(e, known) {
	const g = known.gateways.get(e.gateway_id);
	return g ? g.name : t('alarms.gateway_id', { id: e.gateway_id });
}

function eventCell(e) {
	return h(
		'span',
		{ class: 'alarms-kind' },
		badge(kindLabel(e.new_status), KIND_CLASS[e.new_status] || ''),
		h('small', { class: 'help' }, t('alarms.was', { status: kindLabel(e.old_status) }))
	);
}

function eventsTable(events, ctx, known) {
	const columns = [
		{ key: 'time', label: t('alarms.time'), cls: 'alarms-time', render: (e) => h('time', { datetime: e.time }, dateTime(e.t_ms, ctx.timeZone)) },
		{ key: 'device', label: t('alarms.device'), render: (e) => deviceCell(e, known) },
		{ key: 'gateway', label: t('alarms.gateway'), render: (e) => gatewayCell(e, known) },
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

// Device choices: every device of the site, and any that appears in the
// log but has since been removed (events outlive their device).
function deviceOptions(events, known) {
	const opts = new Map();
	for (const d of known.devices.values()) {
		opts.set(d.id, d.name);
	}
	for (const e of events) {
		if (!opts.has(e.device_id)) {
			opts.set(e.device_id, t('alarms.device_id', { id: e.device_id }));
		}
	}
	return [...opts].sort((a, b) => String(a[1]).localeCompare(String(b[1]))).map(([id, name]) => ({ value: String(id), label: name }));
}

function filterForm(f, events, known, ctx) {
	const form = h(
		'form',
		{ class: 'alarms-filters', novalidate: true, 'aria-label': t('alarms.filters') },
		field({ name: 'from', label: t('alarms.from'), type: 'date', value: f.from, attrs: { max: today(ctx.timeZone) } }),
		field({ name: 'to', label: t('alarms.to'), type: 'date', value: f.to, attrs: { max: today(ctx.timeZone) } }),
		field({ name: 'kind', label: t('alarms.kind'), type: 'select', value: f.kind, options: [{ value: '', label: t('alarms.all_kinds') }, ...KINDS.map((k) => ({ value: k, label: kindLabel(k) }))] }),
		field({ name: 'device', label: t('alarms.device'), type: 'select', value: f.device, options: [{ value: '', label: t('alarms.all_devices') }, ...deviceOptions(events, known)] }),
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

async function load(f, ctx) {
	const [events, known] = await Promise.all([
		api.get('/events', { from: dayStart(f.from, ctx.timeZone), to: dayStart(addDays(f.to, 1), ctx.timeZone) }),
		names(ctx),
	]);
	return { events, known };
}

function shown(events, f) {
	// The API gives the period oldest first and has no kind or device
	// filter, so the choice of rows is made here.
	return events.filter((e) => (!f.kind || e.new_status === f.kind) && (!f.device || String(e.device_id) === f.device)).reverse();
}

function summary(f, ctx, rows, page) {
	const day = (d) => dateTime(Date.parse(dayStart(d, ctx.timeZone)), ctx.timeZone, { dateStyle: 'medium' });
	return h(
		'p',
		{ class: 'alarms-summary', dataset: { summary: '' } },
		t('alarms.period', { from: day(f.from), to: day(f.to) }),
		rows.length ? [' · ', page.length < rows.length ? t('alarms.showing', { shown: page.length, total: rows.length }) : t(rows.length === 1 ? 'alarms.count_one' : 'alarms.count', { n: rows.length })] : null
	);
}

export default async function render(view, ctx) {
	const f = filters(ctx);
	let data = await load(f, ctx);
	let limit = PAGE_SIZE;
	const list = h('div', { class: 'alarms-list' });
	const tools = h('div', { class: 'alarms-tools' });
	const drawTools = () => clear(tools, filterForm(f, data.events, data.known, ctx), quickRanges(f, ctx));
	function drawList() {
		const rows = shown(data.events, f);
		const page = rows.slice(0, limit);
		let more = null;
		if (rows.length > page.length) {
			more = button(t('alarms.more'), () => {
				limit += PAGE_SIZE;
				drawList();
				// keep the keyboard where it was, not at the top of the page
				list.querySelector('[data-action=more]')?.focus();
			}, 'alarms-more');
			more.dataset.action = 'more';
		}
		const empty = h('p', { class: 'empty', dataset: { empty: '' } }, f.kind || f.device ? t('alarms.none_filtered') : t('alarms.none'));
		clear(list, summary(f, ctx, rows, page), rows.length ? eventsTable(page, ctx, data.known) : empty, more);
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
