// An EV charging station's page in My panel board (§8.2.1 for Green'Up
// users, EVS-5): the station (powered, managed, EV plug, errors), its charge
// (state, setpoint, current, charge received) and what it is, from the
// station's live read and Green'Up's last status; and the EV plug command.
// Green'Up's status and settings need the greenup or system_config page.

import { api } from '../../api.js';
import { t, num, dateTime } from '../../i18n.js';
import { h, clear, badge, notice } from '../../ui.js';
import { byQuantity, readingTime, refusal, section, cpText, formatValue } from './common.js';
import { livePoller, readLive } from './live.js';

const EVERY_MS = 5000;

function facts(rows) {
	return h(
		'dl',
		{ class: 'facts' },
		rows.filter(Boolean).map(([key, label, value]) => [h('dt', {}, label), h('dd', { dataset: { fact: key } }, value)])
	);
}

function yesNo(v, yes = 'ui.yes', no = 'ui.no', bad = false) {
	return badge(t(v ? yes : no), v ? 'ok' : bad ? 'bad' : 'off');
}

function live(m, key, fmt) {
	const r = m.get(key);
	return r ? fmt(r) : null;
}

function stationCard(st, m) {
	const pilot = live(m, 'cp_state', (r) => cpText(r.value));
	const enable = live(m, 'charge_enable', (r) => (r.value ? t('panel.enabled') : t('panel.disabled')));
	const temp = live(m, 'temperature', (r) => formatValue(r.value, r.unit));
	// without Green'Up's status, the setpoint is the station's own register
	const reg = st ? null : live(m, 'setpoint_current', (r) => formatValue(r.value, r.unit));
	return section(
		t('panel.ev.station'),
		facts([
			st && ['powered', t('panel.ev.powered'), yesNo(st.powered, 'ui.yes', 'ui.no', true)],
			st && ['managed', t('panel.ev.managed'), yesNo(st.managed)],
			st && ['plug', t('panel.ev.plug'), yesNo(st.plug_enabled, 'panel.enabled', 'panel.disabled')],
			st && ['error', t('panel.ev.error'), st.error ? badge(st.error, 'bad') : t('panel.ev.no_error')],
			pilot && ['pilot', t('panel.q.cp_state'), pilot],
			enable && ['charge_enable', t('panel.q.charge_enable'), enable],
			reg && ['setpoint_register', t('panel.ev.setpoint_register'), reg],
			temp && ['temperature', t('panel.q.temperature'), temp],
		])
	);
}

function chargeCard(st, m, timeZone) {
	const reg = live(m, 'setpoint_current', (r) => formatValue(r.value, r.unit));
	return section(
		t('panel.ev.charge'),
		facts([
			st && ['charge', t('panel.ev.charge_state'), badge(t(`greenup.charge.${st.charge}`), st.charge === 'charging' ? 'ok' : st.charge === 'waiting' ? 'warn' : '')],
			st && ['state', t('panel.ev.loop_state'), t(`greenup.state.${st.state}`)],
			st && ['setpoint', t('panel.ev.setpoint'), `${num(st.setpoint_a, 1)} A`],
			reg && ['setpoint_register', t('panel.ev.setpoint_register'), reg],
			st && ['current', t('panel.ev.current'), `${num(st.current_a, 1)} A`],
			st && ['charged', t('panel.ev.charged'), `${num(st.charged_ah, 2)} Ah`],
			st && ['connected', t('panel.ev.connected'), st.connected_ms ? dateTime(st.connected_ms, timeZone) : t('panel.ev.no_vehicle')],
			st && ['hold', t('panel.ev.hold'), t(`greenup.hold.${st.hold || 'none'}`)],
			st && ['priority', t('panel.ev.priority'), st.priority ? badge(t('greenup.priority'), 'warn') : t('greenup.normal')],
			st && ['reason', t('panel.ev.reason'), st.reason || '–'],
		])
	);
}

function aboutCard(device, model, st, settings) {
	return section(
		t('panel.ev.about'),
		facts([
			['model', t('panel.model'), model ? model.name : device.model],
			model && model.catalog_numbers.length ? ['catalog', t('panel.catalog_numbers'), model.catalog_numbers.join(', ')] : null,
			settings && ['rated', t('panel.ev.rated'), `${num(settings.rated_a, 0)} A`],
			st && ['phases', t('panel.ev.phases'), st.phases === 1 && st.phase ? t('panel.ev.one_phase', { phase: `L${st.phase}` }) : t('panel.ev.n_phases', { n: st.phases })],
			settings && ['default_priority', t('panel.ev.default_priority'), settings.priority ? t('greenup.priority') : t('greenup.normal')],
		])
	);
}

// The EV plug (EVS-5): PUT /evse/stations/{id} {plug_enabled}, which a
// greenup user may change; the server's refusal is shown in the card.
// state.error: the last refusal, kept across the page's repaints until the
// next command.
function commandCard(ctx, device, st, settings, state, onDone) {
	const set = async (on) => {
		state.error = null;
		try {
			await api.put(`/evse/stations/${device.id}`, { plug_enabled: on });
			notice(t(on ? 'panel.ev.plug_enabled' : 'panel.ev.plug_disabled'));
		} catch (e) {
			state.error = e;
		}
		if (ctx.current()) {
			await onDone();
		}
	};
	const msg = h('div', { class: 'cmd-msg' }, state.error ? refusal(state.error) : null);
	const on = settings ? settings.plug_enabled : st ? st.plug_enabled : null;
	return section(
		t('panel.ev.commands'),
		h('p', { class: 'help' }, t('panel.ev.plug_help')),
		h(
			'div',
			{ class: 'toolbar plug-command' },
			h('span', {}, `${t('panel.ev.plug')}: `, on === null ? '–' : badge(t(on ? 'panel.enabled' : 'panel.disabled'), on ? 'ok' : 'off')),
			on === true ? h('button', { type: 'button', dataset: { action: 'plug-disable', focus: 'plug' }, onclick: () => set(false) }, t('panel.ev.disable_plug')) : null,
			on === false ? h('button', { type: 'button', class: 'primary', dataset: { action: 'plug-enable', focus: 'plug' }, onclick: () => set(true) }, t('panel.ev.enable_plug')) : null
		),
		msg
	);
}

export async function renderStation(box, ctx, device, model) {
	const canEvse = ctx.allowed('greenup') || ctx.allowed('system');
	const problem = h('div', { class: 'live-problem' });
	const note = h('div');
	const cards = h('div', { class: 'panel-cards station-cards', dataset: { live: 'station' } });
	let settings = null;
	const command = { error: null };
	const round = async () => {
		const [lv, status, conf] = await Promise.all([
			readLive(device, model),
			canEvse ? api.get('/evse/status').catch((error) => ({ error })) : null,
			canEvse && !settings ? api.get(`/evse/stations/${device.id}`).catch(() => null) : settings,
		]);
		if (!ctx.current()) {
			return;
		}
		settings = conf;
		const errors = [lv.error, status && status.error].filter(Boolean);
		clear(problem, errors.map(refusal));
		const m = byQuantity(lv.readings || []);
		if (lv.readings) {
			poller.setTime(readingTime(lv.readings, ctx.timeZone));
		}
		const st = status && status.stations ? status.stations.find((s) => s.id === device.id) || null : null;
		const focused = document.activeElement?.dataset?.focus;
		clear(
			note,
			!canEvse ? h('p', { class: 'banner' }, t('panel.ev.live_only')) : null,
			canEvse && status && !status.error && !st ? h('p', { class: 'banner warn' }, t('panel.ev.not_managed')) : null
		);
		clear(
			cards,
			stationCard(st, m),
			st ? chargeCard(st, m, ctx.timeZone) : null,
			aboutCard(device, model, st, settings),
			canEvse ? commandCard(ctx, device, st, settings, command, () => {
				settings = null;
				return round();
			}) : null
		);
		if (focused) {
			cards.querySelector(`[data-focus="${focused}"]`)?.focus();
		}
	};
	const poller = livePoller(ctx, round, { every: EVERY_MS });
	clear(box, poller.toolbar, problem, note, cards);
	await poller.first();
}
