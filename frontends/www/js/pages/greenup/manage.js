// Green'Up Management (§8.3.2, EVS-4): for the charge now on a station,
// Start or Wait (POST /evse/stations/{id}/hold) and Normal or Priority
// (POST /evse/stations/{id}/charge-priority). Both last until the vehicle
// leaves and need a vehicle: the server refuses otherwise, and its message
// is shown on the station's card until the next action there.

import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { h, clear, notice } from '../../ui.js';
import { chargeBadge, priorityBadge, stationBadge, amps, applyFilter, emptyStations } from './common.js';

// Per station: the last refusal, kept across repaints of the poll.
const messages = new Map();

function choice(st, group, value, label, pressed, onPick) {
	return h(
		'button',
		{
			type: 'button',
			class: pressed ? 'primary' : '',
			'aria-pressed': String(pressed),
			dataset: { action: `${group}-${value}`, focus: `${st.id}:${group}-${value}` },
			onclick: () => onPick(value),
		},
		label
	);
}

function controls(st, act) {
	const hold = st.hold || 'none';
	return [
		h(
			'fieldset',
			{ class: 'toggle-set', dataset: { control: 'hold' } },
			h('legend', {}, t('greenup.manage.this_charge')),
			h(
				'div',
				{ class: 'toggle-group' },
				choice(st, 'hold', 'start', t('greenup.manage.start'), hold === 'start', (v) => act(st, 'hold', v)),
				choice(st, 'hold', 'wait', t('greenup.manage.wait'), hold === 'wait', (v) => act(st, 'hold', v)),
				choice(st, 'hold', 'none', t('greenup.manage.auto'), hold === 'none', (v) => act(st, 'hold', v))
			)
		),
		h(
			'fieldset',
			{ class: 'toggle-set', dataset: { control: 'priority' } },
			h('legend', {}, t('greenup.manage.charge_priority')),
			h(
				'div',
				{ class: 'toggle-group' },
				choice(st, 'priority', 'normal', t('greenup.normal'), !st.priority, (v) => act(st, 'priority', v)),
				choice(st, 'priority', 'priority', t('greenup.priority'), st.priority, (v) => act(st, 'priority', v)),
				choice(st, 'priority', 'default', t('greenup.manage.station_default'), false, (v) => act(st, 'priority', v))
			)
		),
	];
}

function card(st, act) {
	const msg = messages.get(st.id);
	return h(
		'article',
		{ class: 'card ev-card manage-card', dataset: { stationId: st.id, charge: st.charge }, 'aria-labelledby': `gm-st-${st.id}` },
		h('div', { class: 'ev-head' }, h('h3', { id: `gm-st-${st.id}` }, st.name), h('span', { class: 'ev-badges' }, stationBadge(st), chargeBadge(st), priorityBadge(st))),
		h(
			'p',
			{ class: 'ev-line' },
			h('span', { dataset: { fact: 'current' } }, `${t('panel.ev.current')}: ${amps(st.current_a)}`),
			h('span', { dataset: { fact: 'setpoint' } }, `${t('panel.ev.setpoint')}: ${amps(st.setpoint_a)}`)
		),
		h('p', { class: 'ev-reason', dataset: { fact: 'reason' } }, st.reason),
		controls(st, act),
		h('p', { class: 'page-error manage-msg', role: 'alert', hidden: !msg, dataset: { message: msg ? 'refused' : '' } }, msg || '')
	);
}

// POST the choice; on success the poll's next round shows the new state
// (it is fetched at once), on refusal the server's message stays on the card.
function actor(ctx, refresh) {
	return async (st, group, value) => {
		messages.delete(st.id);
		try {
			if (group === 'hold') {
				await api.post(`/evse/stations/${st.id}/hold`, { hold: value });
			} else {
				await api.post(`/evse/stations/${st.id}/charge-priority`, { priority: value });
			}
			notice(t('greenup.manage.done', { name: st.name }));
		} catch (e) {
			if (e.status === 401) {
				return;
			}
			messages.set(st.id, e.message);
		}
		if (ctx.current()) {
			await refresh();
		}
	};
}

export function drawManage(parts, ctx, status, show, groups, refresh) {
	const shown = applyFilter(status.stations, show, groups);
	if (emptyStations(parts.stations, status.stations, shown)) {
		return;
	}
	const act = actor(ctx, refresh);
	clear(parts.stations, shown.map((st) => card(st, act)));
}

export function clearMessages() {
	messages.clear();
}
