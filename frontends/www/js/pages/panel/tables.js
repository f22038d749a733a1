// The measure tables of a device's live read, grouped as the manual's
// Measure page is (§8.2.1): energy, power, voltages/currents/frequency,
// THD; harmonics are a chart (live.js). Every figure is a value the device
// gave; a quantity it did not give is left out, or '–' in a row it shares.

import { t } from '../../i18n.js';
import { h } from '../../ui.js';
import { formatValue, unitOf, quantityLabel, cpText, section } from './common.js';

const PHASES = ['l1', 'l2', 'l3'];

function cell(readings, key) {
	const r = readings.get(key);
	if (!r) {
		return '–';
	}
	return h('span', { dataset: { quantity: key } }, formatValue(r.value, r.unit, { withUnit: false }));
}

function unitFor(readings, keys) {
	for (const k of keys) {
		const r = readings.get(k);
		if (r) {
			return unitOf(r.unit).unit;
		}
	}
	return '';
}

function headed(label, unit) {
	return unit ? `${label} (${unit})` : label;
}

// A phone shows each table as small blocks (the manual's mobile pages show
// one quantity at a time), a wider screen as one matrix.
export function narrow() {
	return window.matchMedia('(max-width: 640px)').matches;
}

function matrix(readings, rows, cols, name) {
	const head = h('tr', {}, h('th', { scope: 'col' }, t('panel.t.quantity')), cols.map((c) => h('th', { scope: 'col', class: 'num' }, c.head)));
	const body = rows.map((r) => h('tr', {}, h('th', { scope: 'row' }, r.label), cols.map((c) => h('td', { class: 'num' }, r.keys[c.id] ? cell(readings, r.keys[c.id]) : '–'))));
	return h('table', { class: 'mtable', dataset: { table: name } }, h('thead', {}, head), h('tbody', {}, body));
}

// by 'col': a block per column listing the rows; by 'row': the other way.
function blocks(readings, rows, cols, name, by) {
	const outer = by === 'row' ? rows : cols;
	const inner = by === 'row' ? cols : rows;
	const key = (o, i) => (by === 'row' ? o.keys[i.id] : i.keys[o.id]);
	return h(
		'div',
		{ class: 'mblocks', dataset: { table: name } },
		outer.map((o) => {
			const items = inner.filter((i) => key(o, i) && readings.has(key(o, i)));
			return h(
				'table',
				{ class: 'mini' },
				h('caption', {}, o.head || o.label),
				h('tbody', {}, items.map((i) => h('tr', {}, h('th', { scope: 'row' }, i.label), h('td', { class: 'num' }, cell(readings, key(o, i))))))
			);
		})
	);
}

// rows: [{id, label, keys: {colId: quantityKey}}]; cols: [{id, label}].
// Rows and columns with no reading at all are dropped.
function grid(readings, rows, cols, name, by = 'col') {
	const liveRows = rows.filter((r) => Object.values(r.keys).some((k) => readings.has(k)));
	const liveCols = cols
		.filter((c) => liveRows.some((r) => r.keys[c.id] && readings.has(r.keys[c.id])))
		.map((c) => ({ ...c, head: headed(c.label, unitFor(readings, liveRows.map((r) => r.keys[c.id]).filter(Boolean))) }));
	if (!liveRows.length) {
		return null;
	}
	if (by === 'row') {
		for (const r of liveRows) {
			r.head = headed(r.label, unitFor(readings, Object.values(r.keys)));
		}
	}
	return narrow() ? blocks(readings, liveRows, liveCols, name, by) : matrix(readings, liveRows, liveCols, name);
}

function phaseCols() {
	return [{ id: 'total', label: t('panel.t.total') }, ...PHASES.map((p) => ({ id: p, label: t(`panel.t.${p}`) }))];
}

function energyTable(readings) {
	const kinds = ['active_energy_import', 'active_energy_export', 'reactive_energy_import', 'reactive_energy_export', 'apparent_energy'];
	const rows = kinds.map((q) => ({ id: q, label: t(`panel.q.${q}`), keys: { total: q, l1: `${q}_l1`, l2: `${q}_l2`, l3: `${q}_l3` } }));
	return grid(readings, rows, phaseCols(), 'energy', 'row');
}

function powerTable(readings) {
	const rows = [...PHASES.map((p) => ({ id: p, suffix: `_${p}`, label: t(`panel.t.${p}`) })), { id: 'total', suffix: '', label: t('panel.t.total') }].map((r) => ({
		id: r.id,
		label: r.label,
		keys: { active: `active_power${r.suffix}`, reactive: `reactive_power${r.suffix}`, apparent: `apparent_power${r.suffix}`, pf: `power_factor${r.suffix}` },
	}));
	const cols = ['active', 'reactive', 'apparent', 'pf'].map((c) => ({ id: c, label: t(`panel.t.${c}`) }));
	return grid(readings, rows, cols, 'power');
}

function phaseTable(readings) {
	const rows = [
		...PHASES.map((p) => ({ id: p, label: t(`panel.t.${p}`), keys: { v: `voltage_ln_${p}`, i: `current_${p}` } })),
		{ id: 'n', label: t('panel.t.n'), keys: { i: 'current_n' } },
	];
	const cols = [
		{ id: 'v', label: t('panel.t.voltage_ln') },
		{ id: 'i', label: t('panel.t.current') },
	];
	return grid(readings, rows, cols, 'phases');
}

function lineTable(readings) {
	const rows = ['l12', 'l23', 'l31'].map((l) => ({ id: l, label: t(`panel.t.${l}`), keys: { v: `voltage_ll_${l}` } }));
	return grid(readings, rows, [{ id: 'v', label: t('panel.t.voltage_ll') }], 'lines');
}

function thdTable(readings) {
	const rows = PHASES.map((p) => ({ id: p, label: t(`panel.t.${p}`), keys: { v: `thd_voltage_${p}`, i: `thd_current_${p}` } }));
	const cols = [
		{ id: 'v', label: t('panel.t.thd_voltage') },
		{ id: 'i', label: t('panel.t.thd_current') },
	];
	return grid(readings, rows, cols, 'thd');
}

// The few figures read first: the total power, the import counter, the
// power factor and the frequency (or the volume of a gas or water meter).
export function keyFigures(readings) {
	const keys = ['active_power', 'active_energy_import', 'volume', 'power_factor', 'frequency'];
	const items = keys.filter((k) => readings.has(k)).map((k) => {
		const r = readings.get(k);
		return h('div', { class: 'kpi', dataset: { quantity: k } }, h('span', { class: 'kpi-label' }, t(`panel.q.${k}`)), h('span', { class: 'kpi-value' }, formatValue(r.value, r.unit)));
	});
	return items.length ? h('div', { class: 'kpis' }, items) : null;
}

const OTHER = ['volume', 'temperature', 'cp_state', 'setpoint_current', 'charge_enable', 'state'];

// Values outside the electrical tables, each with its own meaning.
export function otherValue(r) {
	if (r.quantity === 'cp_state') {
		return cpText(r.value);
	}
	if (r.quantity === 'charge_enable') {
		return r.value ? t('panel.enabled') : t('panel.disabled');
	}
	if (r.quantity === 'state') {
		return t(`panel.breaker.${['open', 'closed', 'tripped'][r.value] || 'unknown'}`);
	}
	return formatValue(r.value, r.unit);
}

function otherFacts(readings) {
	const present = OTHER.filter((k) => readings.has(k));
	if (!present.length) {
		return null;
	}
	return h('dl', { class: 'facts', dataset: { table: 'other' } }, present.map((k) => [h('dt', {}, quantityLabel(k)), h('dd', { dataset: { quantity: k } }, otherValue(readings.get(k)))]));
}

// The cards of the Measure view, in the manual's order.
export function measureCards(readings) {
	const cards = [];
	const energy = energyTable(readings);
	if (energy) {
		const card = section(t('panel.sec.energy'), energy);
		if ([...readings.keys()].some((k) => /_energy_(import|export)_l[123]$/.test(k))) {
			card.classList.add('wide');
		}
		cards.push(card);
	}
	const power = powerTable(readings);
	if (power) {
		cards.push(section(t('panel.sec.power'), power));
	}
	const phases = phaseTable(readings);
	const lines = lineTable(readings);
	const freq = readings.get('frequency');
	if (phases || lines || freq) {
		cards.push(
			section(
				t('panel.sec.vif'),
				freq ? h('p', { class: 'freq' }, `${t('panel.q.frequency')}: `, h('strong', { dataset: { quantity: 'frequency' } }, formatValue(freq.value, freq.unit))) : null,
				h('div', { class: 'vif-tables' }, phases, lines)
			)
		);
	}
	const thd = thdTable(readings);
	if (thd) {
		cards.push(section(t('panel.sec.thd'), thd));
	}
	const other = otherFacts(readings);
	if (other) {
		cards.push(section(t('panel.sec.other'), other));
	}
	return cards;
}
