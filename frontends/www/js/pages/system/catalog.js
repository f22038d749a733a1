// The device catalogue (CAT-1..4) as the forms need it: families in the
// manual's order, models by key, and what each model asks of the installer.

import { api } from '../../api.js';
import { t } from '../../i18n.js';

// The manual's order of §5 (families the API does not list are skipped).
export const FAMILIES = [
	'btdin_meter',
	'energy_counter',
	'pulse_counter',
	'ems_measure',
	'ems_state_control',
	'megatiker',
	'megabreak',
	'rcd_module',
	'power_supervision',
	'greenup',
	'greenup_premium',
	'ev_station',
	'other',
	'wsmeasure',
];

// The families whose alerts can be excluded (§7.16.1.4).
const ALERT_FAMILIES = ['ems_measure', 'ems_state_control', 'megatiker', 'megabreak', 'rcd_module'];
const EMS_FAMILIES = ['ems_measure', 'ems_state_control'];

let cache = null;

// The catalogue rarely changes (models are added by files and a restart),
// so one request serves every view of the session.
export async function loadCatalog() {
	if (!cache) {
		cache = api.get('/catalog').catch((e) => {
			cache = null;
			throw e;
		});
	}
	return cache;
}

const full = new Map();
export async function loadModel(key) {
	if (!full.has(key)) {
		full.set(
			key,
			api.get('/catalog/model', { key }).catch((e) => {
				full.delete(key);
				throw e;
			})
		);
	}
	return full.get(key);
}

export function familyLabel(family) {
	return t(`sys.family.${family}`);
}

export function modelLabel(m) {
	const numbers = m.catalog_numbers.length ? ` (${m.catalog_numbers.join(', ')})` : '';
	// Names often already hold their catalogue numbers.
	return m.catalog_numbers.every((n) => m.name.includes(n)) ? m.name : `${m.name}${numbers}`;
}

// What the parameters form shows for a model: one flag per group of fields.
export function needs(m) {
	const caps = new Set(m.caps);
	return {
		address: !caps.has('virtual'),
		emsInterface: EMS_FAMILIES.includes(m.family),
		pulse: caps.has('pulse'),
		side: m.sides === 2,
		phase: caps.has('evse') && m.phases === 1,
		supply: m.needs_supply,
		generic: caps.has('generic'),
		remote: caps.has('virtual'),
		load: m.commodity === 'electricity',
		excludeAlerts: ALERT_FAMILIES.includes(m.family),
		labels: caps.has('labels'),
		inputs: caps.has('labels') && caps.has('state'),
		outputs: caps.has('labels') && caps.has('command'),
		eq: caps.has('thd') || caps.has('harmonics'),
		evse: caps.has('evse'),
	};
}

export function modelOf(catalog, key) {
	return catalog.find((m) => m.key === key || m.catalog_numbers.includes(key)) || null;
}

// "3", "3-2" (pulse position, station side) or "3-1" (EMS interface), as the
// manual's device buttons show it.
export function deviceAddress(d) {
	if (d.remote_id) {
		return `${d.address} ${d.remote_id}`;
	}
	if (d.position) {
		return `${d.address}-${d.position}`;
	}
	if (d.side) {
		return `${d.address}-${d.side}`;
	}
	if (d.ems_interface) {
		return `${d.address}-${d.ems_interface}`;
	}
	return String(d.address);
}
