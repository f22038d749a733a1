// The devices of one gateway (§7.16.1.3, §7.16.1.5): status, ON/OFF, Test,
// and "Poll now", which runs a recording cycle so the installer sees a new
// device read without waiting for the sample rate.

import { api } from '../../api.js';
import { t, num, dateTime } from '../../i18n.js';
import { h, clear, table, button, notice } from '../../ui.js';
import { statusBadge, testSlot, busy, refusalBox, section, byId, markRows, runTest } from './common.js';
import { modelOf, deviceAddress } from './catalog.js';

// What the last Poll now read, kept while the user stays on the gateway's
// pages so a re-render after a change still shows it.
const lastPoll = { gatewayId: null, t_ms: null, readings: new Map() };

const COUNTERS = ['active_energy_import', 'volume'];

export function devicesSection(ctx, { gw, devices, catalog, loads, rerender }) {
	const loadOf = byId(loads);
	const refusal = refusalBox();
	const pollOut = h('output', { class: 'sys-poll-result', 'aria-live': 'polite', dataset: { poll: 'idle' } });
	if (lastPoll.gatewayId !== gw.id) {
		lastPoll.gatewayId = gw.id;
		lastPoll.t_ms = null;
		lastPoll.readings = new Map();
	}
	if (lastPoll.t_ms) {
		showPolled(pollOut, ctx);
	}
	const columns = [
		{ key: 'id', label: t('sys.id'), cls: 'num' },
		{ key: 'address', label: t('sys.dev.address'), render: deviceAddress },
		{ key: 'name', label: t('sys.name'), render: (d) => h('a', { href: ctx.href(`system/gateways/${gw.id}/devices/${d.id}`), class: 'sys-dev-link' }, d.name) },
		{ key: 'model', label: t('sys.dev.model'), render: (d) => modelOf(catalog, d.model)?.name ?? d.model },
		{ key: 'load_id', label: t('sys.load'), render: (d) => (d.load_id ? loadOf.get(d.load_id)?.name ?? `#${d.load_id}` : t('sys.load_others')) },
		{ key: 'status', label: t('sys.dev.status'), render: (d) => statusCell(d, modelOf(catalog, d.model)) },
		{ key: 'enabled', label: t('sys.state'), render: (d) => switchButton(d, gw, refusal, rerender) },
		{ key: 'actions', label: t('sys.actions'), render: (d) => actionsCell(ctx, gw, d) },
	];
	const list = table(columns, devices, { empty: t('sys.dev.none'), caption: t('sys.dev.list_caption', { name: gw.name }) });
	markRows(list, devices, 'deviceId');
	const add = h('a', { class: 'button primary', href: ctx.href(`system/gateways/${gw.id}/devices/new`), dataset: { action: 'add-device' } }, t('sys.dev.add'));
	const poll = button(t('sys.poll.now'), () => pollNow(poll, pollOut, ctx, rerender));
	poll.dataset.action = 'poll';
	poll.title = t('sys.poll.help');
	const added = devices.find((d) => String(d.id) === ctx.query.added);
	if (added) {
		const row = list.querySelector(`tr[data-device-id="${added.id}"]`);
		row?.classList.add('sys-added');
	}
	let addedNote = null;
	if (added && lastPoll.polledFor !== ctx.query.added) {
		const pollAdded = button(t('sys.poll.now'), () => poll.click(), 'small primary');
		pollAdded.dataset.action = 'poll-added';
		addedNote = h('p', { class: 'banner sys-added-note', role: 'status' }, t('sys.dev.added_note', { name: added.name }), ' ', pollAdded);
	}
	const s = section(t('sys.dev.title'), [add, poll], h('p', { class: 'help' }, t('sys.poll.help')), addedNote, pollOut, refusal.el, list);
	s.classList.add('sys-devices');
	return s;
}

// The status, the counter the last Poll now read, and a word when the
// catalogue has no register map for the model (it is never read).
function statusCell(d, model) {
	const reading = lastPoll.readings.get(d.id);
	const noMap = model && !model.has_map && !model.caps.includes('generic') && !model.caps.includes('virtual');
	return h(
		'div',
		{ class: 'sys-status' },
		statusBadge(d.status),
		reading ? h('span', { class: 'sys-reading', dataset: { reading: reading.quantity } }, readingText(reading)) : null,
		noMap ? h('span', { class: 'sys-reading', dataset: { map: 'unknown' } }, t('sys.dev.no_map_short')) : null
	);
}

// Counters come in Wh and dm³; the installer reads kWh and m³ on the meter.
function readingText(r) {
	if (r.unit === 'Wh') {
		return `${num(r.value / 1000, 1)} kWh`;
	}
	if (r.unit === 'dm3') {
		return `${num(r.value / 1000, 3)} m³`;
	}
	return `${num(r.value, 1)} ${r.unit}`;
}

function switchButton(d, gw, refusal, rerender) {
	const b = h(
		'button',
		{
			type: 'button',
			class: `small sys-switch ${d.enabled ? 'is-on' : 'is-off'}`,
			'aria-pressed': String(d.enabled),
			'aria-label': t('sys.dev.switch_label', { name: d.name }),
			title: d.enabled ? t('sys.dev.click_off') : t('sys.dev.click_on'),
			dataset: { action: 'toggle' },
		},
		d.enabled ? t('sys.on') : t('sys.off')
	);
	b.addEventListener('click', () =>
		busy(b, async () => {
			refusal.clear();
			try {
				await api.put(`/devices/${d.id}`, { enabled: !d.enabled });
				await rerender();
			} catch (err) {
				refusal.show(err);
			}
		})
	);
	return b;
}

function actionsCell(ctx, gw, d) {
	const slot = testSlot();
	const test = button(t('sys.test'), () => runTest(test, slot, `/devices/${d.id}/test`), 'small');
	test.dataset.action = 'test';
	test.setAttribute('aria-label', t('sys.dev.test_label', { name: d.name }));
	const edit = h('a', { class: 'button small', href: ctx.href(`system/gateways/${gw.id}/devices/${d.id}`), 'aria-label': t('sys.dev.edit_label', { name: d.name }), dataset: { action: 'edit' } }, t('ui.edit'));
	return h('div', { class: 'sys-row-actions' }, h('div', { class: 'actions' }, test, edit), slot.el);
}

// A recording cycle counts as done when the server's cycle count moves
// past the one before it was started.
async function waitForCycle(before, ctx) {
	for (let i = 0; i < 60; i++) {
		await new Promise((r) => setTimeout(r, 500));
		if (!ctx.current()) {
			return false;
		}
		const sys = await api.get('/system');
		if (sys.recording_cycles > before) {
			return true;
		}
	}
	return false;
}

async function pollNow(b, out, ctx, rerender) {
	await busy(b, async () => {
		out.dataset.poll = 'running';
		clear(out, h('span', { class: 'loading' }, t('sys.poll.running')));
		try {
			const before = (await api.get('/system')).recording_cycles;
			const { t_ms } = await api.post('/poll');
			const done = await waitForCycle(before, ctx);
			if (!ctx.current()) {
				return;
			}
			lastPoll.t_ms = t_ms;
			lastPoll.readings = await readings(t_ms, ctx);
			lastPoll.done = done;
			lastPoll.polledFor = ctx.query.added;
			await rerender();
		} catch (err) {
			out.dataset.poll = 'error';
			clear(out, h('span', { class: 'form-error' }, err.message));
			notice(err.message, 'error');
		}
	});
}

// The counters the cycle recorded, one per device, where the user may read
// samples (the panel board and consumption pages' right).
async function readings(t_ms, ctx) {
	const map = new Map();
	if (!ctx.allowed('panel') && !ctx.allowed('consumption')) {
		return map;
	}
	const lists = await Promise.all(COUNTERS.map((quantity) => api.get('/samples', { from: t_ms, to: t_ms + 1, quantity }).catch(() => [])));
	for (const s of lists.flat()) {
		if (!map.has(s.device_id)) {
			map.set(s.device_id, s);
		}
	}
	return map;
}

function showPolled(out, ctx) {
	out.dataset.poll = lastPoll.done === false ? 'pending' : 'done';
	clear(
		out,
		h('span', { class: lastPoll.done === false ? 'banner warn' : 'banner' }, lastPoll.done === false ? t('sys.poll.pending', { time: dateTime(lastPoll.t_ms, ctx.timeZone) }) : t('sys.poll.done', { time: dateTime(lastPoll.t_ms, ctx.timeZone) }))
	);
}
