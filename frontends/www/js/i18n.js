// Strings come from one JSON catalogue per language (lang/<code>.json), flat
// keys such as "nav.consumption". The display language is chosen per browser
// (localStorage) and falls back to the site's default language, then English.
// A key missing from a catalogue shows the English text, never the key.

export const LANGUAGES = [
	{ code: 'de', name: 'Deutsch' },
	{ code: 'en', name: 'English' },
	{ code: 'es', name: 'Español' },
	{ code: 'fr', name: 'Français' },
	{ code: 'fr-BE', name: 'Français (Belgique)' },
	{ code: 'el', name: 'Ελληνικά' },
	{ code: 'it', name: 'Italiano' },
	{ code: 'hu', name: 'Magyar' },
	{ code: 'nl-BE', name: 'Nederlands (België)' },
	{ code: 'nl', name: 'Nederlands' },
	{ code: 'pl', name: 'Polski' },
	{ code: 'pt', name: 'Português' },
	{ code: 'ru', name: 'Русский' },
];

const STORE_KEY = 'ews.language';
let current = 'en';
let strings = {};
let english = {};

async function fetchCatalogue(code) {
	const res = await fetch(`/lang/${code}.json`, { credentials: 'same-origin' });
	if (!res.ok) {
		throw new Error(`language ${code}: HTTP ${res.status}`);
	}
	return res.json();
}

export function browserLanguage() {
	return localStorage.getItem(STORE_KEY);
}

export function setBrowserLanguage(code) {
	if (code) {
		localStorage.setItem(STORE_KEY, code);
	} else {
		localStorage.removeItem(STORE_KEY);
	}
}

function known(code) {
	return LANGUAGES.some((l) => l.code === code);
}

// siteDefault: the site's "language" setting, when known.
export async function loadLanguage(siteDefault) {
	let code = browserLanguage();
	if (!known(code)) {
		code = known(siteDefault) ? siteDefault : 'en';
	}
	if (!Object.keys(english).length) {
		english = await fetchCatalogue('en');
	}
	strings = code === 'en' ? english : await fetchCatalogue(code).catch(() => english);
	current = code;
	document.documentElement.lang = code;
	return code;
}

export function language() {
	return current;
}

// t('home.welcome', {name: 'installer'}) fills "{name}" placeholders.
export function t(key, vars) {
	let s = strings[key] ?? english[key];
	if (s === undefined) {
		console.warn('missing string', key);
		s = key;
	}
	if (vars) {
		s = s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
	}
	return s;
}

export function has(key) {
	return key in strings || key in english;
}

// Numbers and dates in the display language's conventions.
export function num(value, digits = 2) {
	if (value === null || value === undefined || Number.isNaN(value)) {
		return '–';
	}
	return new Intl.NumberFormat(current, {
		minimumFractionDigits: digits,
		maximumFractionDigits: digits,
	}).format(value);
}

export function money(value, currency) {
	if (value === null || value === undefined) {
		return '–';
	}
	try {
		return new Intl.NumberFormat(current, { style: 'currency', currency }).format(value);
	} catch {
		return `${num(value, 2)} ${currency}`;
	}
}

// timeZone: the site's, so every page shows the site's local time whatever
// the browser's clock says.
export function dateTime(ms, timeZone, opts = { dateStyle: 'short', timeStyle: 'medium' }) {
	if (ms === null || ms === undefined) {
		return '–';
	}
	return new Intl.DateTimeFormat(current, { ...opts, timeZone }).format(new Date(ms));
}
