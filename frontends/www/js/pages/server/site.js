// Site settings (manual §7.9, §7.11.1; SYS-1, SYS-2): the site's name, its
// time zone (every date of every page is shown in it) and the default
// language of browsers that have not chosen their own.

import { t, LANGUAGES, dateTime } from '../../i18n.js';
import { h, clear, card, field, form } from '../../ui.js';
import { saveSettings, changed } from './settings.js';

function zoneNames(current) {
	let list = [];
	try {
		list = Intl.supportedValuesOf('timeZone');
	} catch {
		// an old browser: the stored zone can still be kept
	}
	// Some browsers leave UTC out, and the stored zone may be an alias the
	// browser does not list.
	for (const z of ['UTC', current]) {
		if (z && !list.includes(z)) {
			list = [...list, z];
		}
	}
	return list;
}

// About 400 zones: grouped by region so the list can be scanned, and typing
// a city's first letters still finds it.
function fillZones(select, current) {
	const groups = new Map();
	for (const z of zoneNames(current)) {
		const region = z.includes('/') ? z.split('/')[0] : t('server.zone_other');
		if (!groups.has(region)) {
			groups.set(region, []);
		}
		groups.get(region).push(z);
	}
	select.replaceChildren(
		...[...groups].map(([region, list]) =>
			h('optgroup', { label: region.replace(/_/g, ' ') }, list.map((z) => h('option', { value: z, selected: z === current }, z.replace(/_/g, ' '))))
		)
	);
	select.value = current;
}

// The shell shows the site's name in its header and the tab's title; they
// follow a change at once instead of at the next visit.
function showSiteName(name) {
	const brand = document.querySelector('header.top .brand span');
	if (brand) {
		brand.textContent = name || t('app.name');
	}
	document.title = `${t('nav.server_config')} · ${name || t('app.name')}`;
}

// The time at the site now (by this browser's clock), so the zone chosen
// can be checked against a wall clock before it is saved.
function localTime(timeZone) {
	return t('server.local_time', { time: dateTime(Date.now(), timeZone, { dateStyle: 'full', timeStyle: 'short' }) });
}

export default async function render(body, ctx) {
	let settings = await ctx.refreshSettings();
	const zoneField = field({
		name: 'timezone',
		label: t('server.timezone'),
		type: 'select',
		help: t('server.timezone_help'),
	});
	fillZones(zoneField.querySelector('select'), settings.timezone);
	const clock = h('output', { class: 'server-clock', dataset: { clock: '' } }, localTime(settings.timezone));
	zoneField.querySelector('select').addEventListener('change', (e) => {
		clock.textContent = localTime(e.target.value);
	});
	zoneField.insertBefore(clock, zoneField.querySelector('.field-error'));
	const f = form(
		[
			field({ name: 'site_name', label: t('server.site_name'), value: settings.site_name, required: true, help: t('server.site_name_help'), attrs: { maxlength: 63, autocomplete: 'off' } }),
			zoneField,
			field({
				name: 'language',
				label: t('server.language'),
				type: 'select',
				value: settings.language,
				options: LANGUAGES.map((l) => ({ value: l.code, label: l.name })),
				help: t('server.language_help'),
			}),
		],
		async (values, formEl) => {
			const pairs = changed(settings, [
				['site_name', values.site_name ?? ''],
				['timezone', values.timezone],
				['language', values.language],
			]);
			settings = await saveSettings(formEl, pairs, ctx);
			showSiteName(settings.site_name);
		}
	);
	f.dataset.form = 'site';
	clear(body, card(t('server.site_title'), h('p', { class: 'help' }, t('server.site_intro')), f));
	return undefined;
}
