// What the panel board's views share: the catalogue (a device names its
// model by key or catalogue number; the model tells its functions), the
// device button's parts (address, function symbols, status) and the
// formatting of live values in readable units.

import { api } from '../../api.js';
import { t, num, dateTime } from '../../i18n.js';
import { h, badge } from '../../ui.js';

let catalogue = null;

// The catalogue does not change while ewsd runs, so one fetch a session.
export async function loadCatalogue() {
	if (!catalogue) {
		const models = await api.get('/catalog');
		const index = new Map();
		for (const m of models) {
			index.set(m.key, m);
			for (const n of m.catalog_numbers) {
				index.set(n, m);
			}
		}
		catalogue = index;
	}
	return catalogue;
}

const fullModels = new Map();

// A model with its registers: which quantities a device has, which are
// writable, whether it gives harmonics.
export async function loadModel(key) {
	if (!fullModels.has(key)) {
		fullModels.set(key, await api.get('/catalog/model', { key }));
	}
	return fullModels.get(key);
}

export function modelOf(index, device) {
	return index.get(device.model) || null;
}

// The catalogue knows no register map: ewsd cannot read such a device
// (422 no_map). A generic meter's register and a WSMEASURE point come from
// the device's own configuration instead.
export function unreadable(model) {
	const c = caps(model);
	return Boolean(model) && !model.has_map && !c.has('generic') && !c.has('virtual');
}

export function caps(model) {
	return new Set(model ? model.caps : []);
}

export function isStation(model) {
	return caps(model).has('evse');
}

// Supervision devices and EMS state/control modules with custom labels:
// their pages are inputs and outputs.
export function isIo(model) {
	return Boolean(model) && (model.family === 'power_supervision' || caps(model).has('labels'));
}

// A protection device whose state is a breaker's position (§8.2.1 item 4).
export function isBreaker(model) {
	const c = caps(model);
	return c.has('state') && !isIo(model);
}

export function commodity(model) {
	return model ? model.commodity : 'electricity';
}

// The manual's device button, item 1: address, address-position (pulse),
// address-side (two-sided stations), address-interface (EMS remote).
export function addressText(device, model) {
	if (caps(model).has('virtual')) {
		return String(device.remote_id);
	}
	if (device.position) {
		return `${device.address}-${device.position}`;
	}
	if (device.side) {
		return `${device.address}-${device.side}`;
	}
	if (device.ems_interface) {
		return `${device.address}-${device.ems_interface}`;
	}
	return String(device.address);
}

// The function symbols of a model, in a stable order.
export function functions(model) {
	const c = caps(model);
	const out = [];
	const com = commodity(model);
	if (com === 'gas') {
		out.push('gas');
	} else if (com === 'water') {
		out.push('water');
	} else if ((c.has('measure') || c.has('pulse')) && !c.has('evse')) {
		out.push('meter');
	}
	if (c.has('evse')) {
		out.push('ev');
	}
	if (isBreaker(model)) {
		out.push('breaker');
	}
	if (isIo(model)) {
		out.push('io');
	}
	if (c.has('command') && !isIo(model)) {
		out.push('command');
	}
	if (c.has('link')) {
		out.push('link');
	}
	return out;
}

export function symbols(model) {
	return h(
		'span',
		{ class: 'fn-symbols' },
		functions(model).map((f) => h('img', { src: `/img/fn-${f}.svg`, alt: t(`panel.fn.${f}`), title: t(`panel.fn.${f}`), width: 22, height: 22, dataset: { fn: f } }))
	);
}

const STATUS_KIND = { on: 'ok', off: 'off', comm_error: 'bad', station_failure: 'bad', unknown: '' };

// A device whose model has no public register map is never read: saying
// "not read yet" would promise a reading that cannot come.
export function statusBadge(status, model) {
	const noMap = status === 'unknown' && unreadable(model);
	const el = badge(noMap ? t('sys.dev.no_map_short') : t(`panel.status.${status}`), `status ${STATUS_KIND[status] ?? ''}`);
	el.dataset.status = status;
	if (noMap) {
		el.dataset.map = 'unknown';
	}
	return el;
}

const BREAKER = ['open', 'closed', 'tripped'];
const BREAKER_KIND = { open: 'off', closed: 'ok', tripped: 'bad' };

// value: the live "state" reading (0 open, 1 closed, 2 tripped), or null
// with why it is not known.
export function breakerBadge(value, why) {
	const state = BREAKER[value];
	if (!state) {
		const el = badge(t('panel.breaker.unknown'), 'breaker');
		el.dataset.breaker = 'unknown';
		if (why) {
			el.title = why;
		}
		return el;
	}
	const el = badge(t(`panel.breaker.${state}`), `breaker ${BREAKER_KIND[state]}`);
	el.dataset.breaker = state;
	return el;
}

// ---- quantities and units --------------------------------------------------

// Canonical units (<ews/quantity.h>) shown in the units a facility manager
// reads: energies in kWh, powers in kW, volumes in m³.
const SCALE = {
	Wh: { div: 1000, unit: 'kWh', digits: 2 },
	varh: { div: 1000, unit: 'kvarh', digits: 2 },
	VAh: { div: 1000, unit: 'kVAh', digits: 2 },
	W: { div: 1000, unit: 'kW', digits: 2 },
	var: { div: 1000, unit: 'kvar', digits: 2 },
	VA: { div: 1000, unit: 'kVA', digits: 2 },
	V: { div: 1, unit: 'V', digits: 1 },
	A: { div: 1, unit: 'A', digits: 2 },
	Hz: { div: 1, unit: 'Hz', digits: 2 },
	'%': { div: 1, unit: '%', digits: 1 },
	dm3: { div: 1000, unit: 'm³', digits: 3 },
	'dm³': { div: 1000, unit: 'm³', digits: 3 },
	degC: { div: 1, unit: '°C', digits: 1 },
	'': { div: 1, unit: '', digits: 2 },
};

export function unitOf(unit) {
	return SCALE[unit] || { div: 1, unit, digits: 2 };
}

export function shown(value, unit) {
	const s = unitOf(unit);
	return value === null || value === undefined ? null : value / s.div;
}

// "12.34 kW"; '–' for a value the device did not give.
export function formatValue(value, unit, { withUnit = true } = {}) {
	if (value === null || value === undefined) {
		return '–';
	}
	const s = unitOf(unit);
	const text = num(value / s.div, s.digits);
	return withUnit && s.unit ? `${text} ${s.unit}` : text;
}

export function quantityLabel(quantity, order = 0) {
	return order ? t('panel.q.harmonic_order', { name: t(`panel.q.${quantity}`), order }) : t(`panel.q.${quantity}`);
}

// Readings by "quantity" (harmonics by "quantity:order").
export function byQuantity(readings) {
	const m = new Map();
	for (const r of readings) {
		m.set(r.order ? `${r.quantity}:${r.order}` : r.quantity, r);
	}
	return m;
}

export function readingTime(readings, timeZone) {
	const ts = readings.map((r) => r.t_ms).filter(Boolean);
	return ts.length ? dateTime(Math.max(...ts), timeZone) : '–';
}

// The IEC 61851 pilot states of EWS_Q_CP_STATE.
export const CP_STATES = { 1: 'a', 2: 'b', 3: 'c', 4: 'd', 5: 'e', 6: 'f' };

export function cpText(value) {
	const s = CP_STATES[value];
	return s ? t(`panel.cp.${s}`) : '–';
}

// A refused or failed request as the server said it.
export function refusal(err) {
	return h('p', { class: 'page-error panel-refusal', role: 'alert', dataset: { code: err.code || 'error' } }, err.message || String(err));
}

export function section(title, ...body) {
	return h('section', { class: 'card panel-card' }, h('h2', {}, title), body);
}

// ---- dates on the site's calendar ------------------------------------------

export function today(timeZone) {
	try {
		return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
	} catch {
		return new Date().toISOString().slice(0, 10);
	}
}

export function validDate(s) {
	return typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
}

// A plain calendar date moved by n days or months (no time zone involved).
export function shiftDate(date, n, unit = 'day') {
	const d = new Date(`${date}T00:00:00Z`);
	if (unit === 'month') {
		d.setUTCDate(1);
		d.setUTCMonth(d.getUTCMonth() + n);
	} else {
		d.setUTCDate(d.getUTCDate() + n);
	}
	return d.toISOString().slice(0, 10);
}
