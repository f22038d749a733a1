// Green'Up Details (§8.3.1, EVS-5): the zone, the phase currents the meter
// gives against the configured limits, whether the meter answers and the
// fail-safe, then every station: its state (powered, managed, error), its
// charge (state, setpoint, current, charge received, why) and what it is.

import { t, num, dateTime } from '../../i18n.js';
import { h, clear, badge } from '../../ui.js';
import { chargeBadge, priorityBadge, stationBadge, amps, freshness, applyFilter, emptyStations } from './common.js';

// A phase's current on a track that ends at the maximum current available;
// the mark is the maximum for charging. The width is drawing only: the
// figure shown is the API's.
function phaseBar(i, current, zone, config) {
	const track = h('span', { class: 'phase-track', 'aria-hidden': 'true' });
	if (config && config.max_current_a > 0) {
		const fill = h('span', { class: `phase-fill zone-${zone}` });
		fill.style.width = `${Math.min(100, (100 * current) / config.max_current_a)}%`;
		track.append(fill);
		if (config.max_charging_current_a > 0) {
			const mark = h('span', { class: 'phase-mark', title: t('greenup.max_charging', { a: num(config.max_charging_current_a, 0) }) });
			mark.style.left = `${Math.min(100, (100 * config.max_charging_current_a) / config.max_current_a)}%`;
			track.append(mark);
		}
	}
	return h('div', { class: 'phase-row', dataset: { phase: `L${i + 1}` } }, h('span', { class: 'phase-name' }, `L${i + 1}`), track, h('span', { class: 'phase-value', dataset: { fact: `phase_l${i + 1}` } }, amps(current)));
}

function summary(status, config, timeZone) {
	const zone = status.zone;
	return h(
		'section',
		{ class: 'card gu-summary', dataset: { zone }, 'aria-labelledby': 'gu-site' },
		h('h2', { id: 'gu-site' }, t('greenup.site')),
		!status.enabled ? h('p', { class: 'banner warn', dataset: { banner: 'off' } }, t('greenup.logic_off')) : null,
		h(
			'div',
			{ class: 'gu-summary-grid' },
			h(
				'div',
				{ class: `zone-box zone-${zone}`, dataset: { fact: 'zone' } },
				h('span', { class: 'zone-label' }, t('greenup.zone')),
				h('strong', { class: 'zone-name' }, t(`greenup.zone.${zone}`)),
				h('span', { class: 'zone-help' }, t(`greenup.zone_help.${zone}`))
			),
			h(
				'div',
				{ class: 'phases' },
				h('h3', {}, t('greenup.phase_currents')),
				status.phase_a.map((a, i) => phaseBar(i, a, zone, config)),
				config && config.max_current_a > 0
					? h('p', { class: 'help' }, t('greenup.limits', { max: num(config.max_current_a, 0), charging: num(config.max_charging_current_a, 0) }))
					: null
			),
			h(
				'dl',
				{ class: 'facts gu-facts' },
				h('dt', {}, t('greenup.meter')),
				h('dd', { dataset: { fact: 'meter_ok' } }, badge(t(status.meter_ok ? 'greenup.meter_ok' : 'greenup.meter_lost'), status.meter_ok ? 'ok' : 'bad')),
				h('dt', {}, t('greenup.failsafe')),
				h('dd', { dataset: { fact: 'failsafe' } }, badge(t(status.failsafe ? 'greenup.failsafe_on' : 'greenup.failsafe_off'), status.failsafe ? 'bad' : 'ok')),
				h('dt', {}, t('greenup.logic')),
				h('dd', { dataset: { fact: 'enabled' } }, badge(t(status.enabled ? 'greenup.on' : 'greenup.off'), status.enabled ? 'ok' : 'off')),
				h('dt', {}, t('greenup.last_step')),
				h('dd', { dataset: { fact: 'updated' } }, freshness(status, timeZone))
			)
		)
	);
}

function facts(rows) {
	return h('dl', { class: 'facts' }, rows.filter(Boolean).map(([k, label, v]) => [h('dt', {}, label), h('dd', { dataset: { fact: k } }, v)]));
}

function stationCard(ctx, st, modelName) {
	const phases = st.phases === 1 && st.phase ? t('panel.ev.one_phase', { phase: `L${st.phase}` }) : t('panel.ev.n_phases', { n: st.phases });
	return h(
		'article',
		{ class: 'card ev-card', dataset: { stationId: st.id, charge: st.charge }, 'aria-labelledby': `gu-st-${st.id}` },
		h('div', { class: 'ev-head' }, h('h3', { id: `gu-st-${st.id}` }, st.name), h('span', { class: 'ev-badges' }, stationBadge(st), chargeBadge(st), priorityBadge(st))),
		h(
			'div',
			{ class: 'ev-figures' },
			h('div', { class: 'kpi' }, h('span', { class: 'kpi-label' }, t('panel.ev.current')), h('span', { class: 'kpi-value', dataset: { fact: 'current' } }, amps(st.current_a))),
			h('div', { class: 'kpi' }, h('span', { class: 'kpi-label' }, t('panel.ev.setpoint')), h('span', { class: 'kpi-value', dataset: { fact: 'setpoint' } }, amps(st.setpoint_a))),
			h('div', { class: 'kpi' }, h('span', { class: 'kpi-label' }, t('panel.ev.charged')), h('span', { class: 'kpi-value', dataset: { fact: 'charged' } }, `${num(st.charged_ah, 2)} Ah`))
		),
		h('p', { class: 'ev-reason', dataset: { fact: 'reason' } }, st.reason),
		h('h4', {}, t('panel.ev.station')),
		facts([
			['powered', t('panel.ev.powered'), t(st.powered ? 'ui.yes' : 'ui.no')],
			['managed', t('panel.ev.managed'), t(st.managed ? 'ui.yes' : 'ui.no')],
			['plug', t('panel.ev.plug'), t(st.plug_enabled ? 'panel.enabled' : 'panel.disabled')],
			['error', t('panel.ev.error'), st.error ? badge(st.error, 'bad') : t('panel.ev.no_error')],
		]),
		h('h4', {}, t('panel.ev.charge')),
		facts([
			['state', t('panel.ev.loop_state'), t(`greenup.state.${st.state}`)],
			['connected', t('panel.ev.connected'), st.connected_ms ? dateTime(st.connected_ms, ctx.timeZone) : t('panel.ev.no_vehicle')],
			['hold', t('panel.ev.hold'), t(`greenup.hold.${st.hold || 'none'}`)],
			['priority', t('panel.ev.priority'), st.priority ? t('greenup.priority') : t('greenup.normal')],
		]),
		h('h4', {}, t('panel.ev.about')),
		facts([
			['model', t('panel.model'), modelName(st.model)],
			['rated', t('panel.ev.rated'), amps(st.rated_a, 0)],
			['phases', t('panel.ev.phases'), phases],
		]),
		ctx.allowed('panel') ? h('p', { class: 'ev-link' }, h('a', { href: ctx.href(`panel/device/${st.id}`) }, t('greenup.station_page'))) : null
	);
}

export function drawDetails(parts, ctx, status, config, show, groups, modelName) {
	clear(parts.summary, summary(status, config, ctx.timeZone));
	const shown = applyFilter(status.stations, show, groups);
	if (!emptyStations(parts.stations, status.stations, shown)) {
		clear(parts.stations, shown.map((st) => stationCard(ctx, st, modelName)));
	}
}
