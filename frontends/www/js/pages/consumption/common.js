// What every consumption view shares: the calendar of periods (in the site's
// zone, on plain YYYY-MM-DD dates so the browser's own zone never shifts a
// day), bucket labels read from the API's local timestamps, units scaled
// for reading (Wh → kWh → MWh), and the site's devices, loads, groups and
// tariffs, fetched once for a few seconds so moving between tabs is quick.

import { api } from '../../api.js';
import { t, num, language } from '../../i18n.js';

export const PERIODS = ['day', 'month', 'year', 'decade'];
export const COMMODITIES = ['electricity', 'gas', 'water'];

// The manual's overall colours: electricity orange, gas green, water blue.
export const COMMODITY_COLORS = { electricity: '#e07a00', gas: '#2e7d32', water: '#0b5cad' };

// ---- dates -----------------------------------------------------------------

function parts(date) {
	const [y, m, d] = date.split('-').map(Number);
	return { y, m, d };
}

function iso(y, m, d) {
	const dt = new Date(Date.UTC(y, m - 1, d));
	return dt.toISOString().slice(0, 10);
}

export function validDate(s) {
	if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) {
		return false;
	}
	const { y, m, d } = parts(s);
	return y >= 1970 && y <= 2199 && iso(y, m, d) === s;
}

// Intl formatters are slow to make and a page formats hundreds of dates.
const formatters = new Map();

function formatter(locale, opts) {
	const key = `${locale}|${JSON.stringify(opts)}`;
	let f = formatters.get(key);
	if (!f) {
		f = new Intl.DateTimeFormat(locale, opts);
		formatters.set(key, f);
	}
	return f;
}

// Today's date on the site's wall clock.
export function today(timeZone) {
	try {
		return formatter('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
	} catch {
		return new Date().toISOString().slice(0, 10);
	}
}

// The first day of the period holding date: the address a period has.
export function periodStart(period, date) {
	const { y, m, d } = parts(date);
	switch (period) {
		case 'month':
			return iso(y, m, 1);
		case 'year':
			return iso(y, 1, 1);
		case 'decade':
			return iso(y - (y % 10), 1, 1);
		default:
			return iso(y, m, d);
	}
}

export function shift(period, date, n) {
	const { y, m, d } = parts(periodStart(period, date));
	switch (period) {
		case 'month':
			return iso(y, m + n, 1);
		case 'year':
			return iso(y + n, 1, 1);
		case 'decade':
			return iso(y + 10 * n, 1, 1);
		default:
			return iso(y, m, d + n);
	}
}

export function isCurrent(period, date, todayDate) {
	return periodStart(period, date) === periodStart(period, todayDate);
}

export function isFuture(period, date, todayDate) {
	return periodStart(period, date) > periodStart(period, todayDate);
}

// A wall-clock date and time formatted as it is written, whatever the
// browser's zone: the API already gives the site's local time.
function wall(y, m, d, hh = 0, mm = 0) {
	return new Date(Date.UTC(y, m - 1, d, hh, mm));
}

function fmt(dt, opts) {
	return formatter(language(), { ...opts, timeZone: 'UTC' }).format(dt);
}

export function periodTitle(period, date) {
	const { y, m, d } = parts(periodStart(period, date));
	switch (period) {
		case 'month':
			return fmt(wall(y, m, 1), { month: 'long', year: 'numeric' });
		case 'year':
			return String(y);
		case 'decade':
			return t('cons.decade_title', { from: y, to: y + 9 });
		default:
			return fmt(wall(y, m, d), { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
	}
}

// Names of the shown period and the one before, as the manual words them
// (today / yesterday, this month / last month …) when the period is the
// current one.
// short: for table headers and legends.
export function compareLabels(period, date, todayDate) {
	if (isCurrent(period, date, todayDate)) {
		const current = t(`cons.current_${period}`);
		return { current, previous: t(`cons.last_${period}`), short: current };
	}
	return { current: periodTitle(period, date), previous: t(`cons.previous_${period}`), short: shortTitle(period, date) };
}

export function shortTitle(period, date) {
	const { y, m, d } = parts(periodStart(period, date));
	switch (period) {
		case 'day':
			return fmt(wall(y, m, d), { dateStyle: 'medium' });
		case 'month':
			return fmt(wall(y, m, 1), { month: 'short', year: 'numeric' });
		default:
			return periodTitle(period, date);
	}
}

// "2026-03-29T03:00:00+02:00" → its wall clock and offset.
function splitStamp(s) {
	const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s || '');
	if (!m) {
		return null;
	}
	return { y: +m[1], mo: +m[2], d: +m[3], hh: +m[4], mi: +m[5], off: m[6] === 'Z' ? '+00:00' : m[6] || '' };
}

// One label per bucket the API returned (23, 24 or 25 on a day). The two
// 02:00 hours of the autumn night differ by their offset.
export function bucketLabels(period, buckets) {
	const stamps = buckets.map((b) => splitStamp(b.start));
	const labels = stamps.map((s, i) => {
		if (!s) {
			return buckets[i].start;
		}
		switch (period) {
			case 'day':
				return `${String(s.hh).padStart(2, '0')}:${String(s.mi).padStart(2, '0')}`;
			case 'month':
				return String(s.d);
			case 'year':
				return fmt(wall(s.y, s.mo, 1), { month: 'short' });
			default:
				return String(s.y);
		}
	});
	if (period === 'day') {
		const seen = new Map();
		labels.forEach((l) => seen.set(l, (seen.get(l) || 0) + 1));
		return labels.map((l, i) => (seen.get(l) > 1 && stamps[i] ? `${l} (UTC${stamps[i].off.replace(/:00$/, '')})` : l));
	}
	return labels;
}

// Row names of a values table, whose caption names the period: the bar
// labels, with the weekday for the days of a month.
export function rowLabels(period, buckets) {
	if (period !== 'month') {
		return bucketLabels(period, buckets);
	}
	return buckets.map((b) => {
		const s = splitStamp(b.start);
		return s ? fmt(wall(s.y, s.mo, s.d), { weekday: 'short', day: 'numeric' }) : b.start;
	});
}

// A bucket's full name, for tooltips.
export function bucketTitle(period, bucket) {
	const s = splitStamp(bucket.start);
	if (!s) {
		return bucket.start;
	}
	const dt = wall(s.y, s.mo, s.d, s.hh, s.mi);
	switch (period) {
		case 'day':
			return `${fmt(dt, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })} (UTC${s.off})`;
		case 'month':
			return fmt(dt, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
		case 'year':
			return fmt(dt, { month: 'long', year: 'numeric' });
		default:
			return String(s.y);
	}
}

// ---- units -------------------------------------------------------------------

const SCALES = {
	Wh: [
		{ min: 1e6, unit: 'MWh', factor: 1e6 },
		{ min: 1e3, unit: 'kWh', factor: 1e3 },
		{ min: 0, unit: 'Wh', factor: 1 },
	],
	dm3: [
		{ min: 1e3, unit: 'm³', factor: 1e3 },
		{ min: 0, unit: 'dm³', factor: 1 },
	],
};

// The unit that keeps the largest of values readable; every value of a
// chart or a table is then shown in it.
export function scaleFor(unit, values) {
	const steps = SCALES[unit];
	const shown = unit === 'dm3' ? 'dm³' : unit;
	if (!steps) {
		return { unit: shown, factor: 1, digits: 2 };
	}
	const max = Math.max(0, ...values.filter((v) => typeof v === 'number').map(Math.abs));
	const s = steps.find((x) => max >= x.min) || steps[steps.length - 1];
	return { unit: s.unit, factor: s.factor, digits: s.factor === 1 ? 1 : 2 };
}

export function scaled(value, scale) {
	return value === null || value === undefined ? null : value / scale.factor;
}

export function quantity(value, scale) {
	if (value === null || value === undefined) {
		return '–';
	}
	return `${num(value / scale.factor, scale.digits)} ${scale.unit}`;
}

// A single amount in its own best unit.
export function amount(value, unit) {
	return quantity(value, scaleFor(unit, [value]));
}

// ---- the site's objects --------------------------------------------------------

const cache = new Map();
const TTL_MS = 20000;

// GET with a short memory: tabs and period changes re-render the page, and
// the site's configuration rarely changes between two clicks.
export function cached(path, query) {
	const key = path + JSON.stringify(query || {});
	const hit = cache.get(key);
	if (hit && Date.now() - hit.at < TTL_MS) {
		return hit.promise;
	}
	const promise = api.get(path, query);
	cache.set(key, { at: Date.now(), promise });
	promise.catch(() => cache.delete(key));
	return promise;
}

// devices, loads, groups and models of the site; the catalogue gives each
// device its commodity and functions.
export async function siteObjects() {
	const [devices, loads, groups, catalog] = await Promise.all([cached('/devices'), cached('/loads'), cached('/groups'), cached('/catalog')]);
	const models = new Map(catalog.map((m) => [m.key, m]));
	for (const m of catalog) {
		for (const n of m.catalog_numbers || []) {
			models.set(n, m);
		}
	}
	return {
		devices,
		loads: loads.filter((l) => l.enabled),
		groups: groups.filter((g) => g.enabled),
		models,
		modelOf: (dev) => models.get(dev.model) || null,
		commodityOf: (dev) => models.get(dev.model)?.commodity || 'electricity',
	};
}

export function tariffs() {
	return cached('/tariffs');
}

// The tariffs' colours by commodity and name; the histograms and pies use
// them so that a tariff looks the same everywhere.
export function tariffColors(list, commodity) {
	const out = new Map();
	for (const tr of list) {
		if (!commodity || tr.commodity === commodity) {
			out.set(tr.name, tr.color);
		}
	}
	return out;
}

// How the manual's device buttons name a device: address (with the
// concentrator position or the side), then its name.
export function deviceAddress(dev) {
	if (dev.position) {
		return `${dev.address}.${dev.position}`;
	}
	if (dev.side) {
		return `${dev.address}/${dev.side}`;
	}
	if (dev.ems_interface) {
		return `${dev.address}-${dev.ems_interface}`;
	}
	return String(dev.address);
}

export function deviceLabel(dev) {
	return `${dev.name} (${deviceAddress(dev)})`;
}

export function commodityName(c) {
	return t(`cons.commodity_${c}`);
}
