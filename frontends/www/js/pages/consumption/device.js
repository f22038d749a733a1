// Choosing one device (Details, Tariffs — details), as the manual's
// section A does: all devices, or those of a load or a measure group; and
// what the page says about the chosen one.

import { t, has } from '../../i18n.js';
import { h, badge } from '../../ui.js';
import { cached, deviceLabel, deviceAddress, commodityName } from './common.js';
import { chooser, groupedChooser } from './widgets.js';

// Quantities that are counters (their consumption is the energy
// histogram) or states, not measures to chart.
const NOT_MEASURES = /^(active_energy|reactive_energy|apparent_energy|volume$|state$|cp_state$|charge_enable$|setpoint_current$)/;

const STATUS_KIND = { on: 'ok', off: 'off', comm_error: 'bad', station_failure: 'bad', unknown: '' };

function inFilter(objs, dev, of) {
	if (!of || of === 'all') {
		return true;
	}
	const [kind, id] = of.split(':');
	if (kind === 'load') {
		return String(dev.load_id) === id || (dev.load_id === null && othersMatch(objs, Number(id), dev));
	}
	return dev.group_ids.map(String).includes(id);
}

function othersMatch(objs, loadId, dev) {
	const load = objs.loads.find((l) => l.id === loadId);
	const c = objs.commodityOf(dev);
	return Boolean(load) && ((load.origin === 'others' && c === 'electricity') || load.origin === c);
}

// Returns {el, device}: the filter and device selects and the chosen
// device (from ?device=, else the first of the filter).
export function devicePicker(ctx, objs, path, state, extra = {}) {
	const of = ctx.query.of || 'all';
	const shown = objs.devices.filter((d) => inFilter(objs, d, of));
	const device = shown.find((d) => String(d.id) === ctx.query.device) || shown[0] || null;
	const keep = { period: state.period, date: state.date, ...extra };
	const filter = groupedChooser({
		name: 'of',
		label: t('cons.devices_of'),
		value: of,
		groups: [
			{ options: [{ value: 'all', label: t('cons.all_devices') }] },
			{ label: t('cons.loads'), options: objs.loads.map((l) => ({ value: `load:${l.id}`, label: l.name })) },
			objs.groups.length ? { label: t('cons.groups'), options: objs.groups.map((g) => ({ value: `group:${g.id}`, label: g.name })) } : null,
		].filter(Boolean),
		onPick: (v) => ctx.go(path, { ...keep, of: v === 'all' ? undefined : v }),
	});
	const pick = shown.length
		? chooser({
			name: 'device',
			label: t('cons.device'),
			options: shown.map((d) => ({ value: d.id, label: deviceLabel(d) })),
			value: device ? device.id : '',
			onPick: (v) => ctx.go(path, { ...keep, of: of === 'all' ? undefined : of, device: v }),
		})
		: h('p', { class: 'empty' }, t('cons.no_devices_here'));
	return { el: h('div', { class: 'cons-controls card' }, filter, pick), device };
}

export function statusBadge(status) {
	return badge(t(`cons.status_${status || 'unknown'}`), STATUS_KIND[status] ?? '');
}

// The manual's device button, as facts: address, name, model, where it
// counts, status.
export function deviceFacts(objs, dev, model) {
	const load = objs.loads.find((l) => l.id === dev.load_id);
	const groups = objs.groups.filter((g) => dev.group_ids.includes(g.id)).map((g) => g.name);
	const fact = (k, v) => [h('dt', {}, t(k)), h('dd', {}, v)];
	return h(
		'section',
		{ class: 'card cons-device', dataset: { deviceId: String(dev.id), status: dev.status } },
		h('h3', {}, dev.name, ' ', statusBadge(dev.status)),
		h(
			'dl',
			{ class: 'facts' },
			fact('cons.address', deviceAddress(dev)),
			fact('cons.model', model ? model.name : dev.model),
			fact('cons.commodity', commodityName(objs.commodityOf(dev))),
			fact('cons.load', load ? load.name : t('cons.load_auto')),
			groups.length ? fact('cons.groups', groups.join(', ')) : null,
			dev.exclude_totals ? fact('cons.totals', t('cons.excluded')) : null
		)
	);
}

const PHASES = { l1: 'L1', l2: 'L2', l3: 'L3', l12: 'L1-L2', l23: 'L2-L3', l31: 'L3-L1', n: 'N' };

// "voltage_ln_l1" → "Voltage L-N L1"; "harmonic_current_l2:5" → "Harmonic
// current L2, order 5".
export function quantityName(q) {
	const [name, order] = q.split(':');
	const m = /^(.*?)(?:_(l1|l2|l3|l12|l23|l31|n))?$/.exec(name);
	const key = `cons.q_${m[1]}`;
	let label = has(key) ? t(key) : m[1];
	if (m[2]) {
		label += ` ${PHASES[m[2]]}`;
	}
	if (order) {
		label += `, ${t('cons.harmonic_order', { n: order })}`;
	}
	return label;
}

// The quantities of a model's register map that can be charted.
export async function measuredQuantities(modelKey) {
	const full = await cached('/catalog/model', { key: modelKey });
	const seen = new Set();
	const out = [];
	for (const r of full.registers || []) {
		const q = r.order ? `${r.quantity}:${r.order}` : r.quantity;
		if (NOT_MEASURES.test(r.quantity) || seen.has(q)) {
			continue;
		}
		seen.add(q);
		out.push({ value: q, label: quantityName(q) });
	}
	return out;
}
