// System information (manual §8.8, SYS-3): what ewsd reports about itself
// and its database. The health check reads the whole database file, so it
// runs when asked, not on every visit; Optimize is the manual's remedy when
// the database has grown slow.

import { api } from '../../api.js';
import { t, num, dateTime } from '../../i18n.js';
import { h, clear, card, button, notice, badge, table, besideField } from '../../ui.js';

const SIZE_UNITS = ['b', 'kib', 'mib', 'gib', 'tib'];

// 1536 -> "1.5 KiB": binary units, as file systems count.
export function size(bytes) {
	if (bytes === null || bytes === undefined) {
		return '–';
	}
	let v = Number(bytes);
	let i = 0;
	while (v >= 1024 && i < SIZE_UNITS.length - 1) {
		v /= 1024;
		i += 1;
	}
	return t(`server.size_${SIZE_UNITS[i]}`, { n: num(v, i === 0 || v >= 100 ? 0 : 1) });
}

// 93784 s -> "1 d 2 h 3 min": the two largest units are enough to read.
export function duration(seconds) {
	if (seconds === null || seconds === undefined) {
		return '–';
	}
	const s = Math.floor(Number(seconds));
	if (Number(seconds) < 1) {
		return t('server.dur_ms', { n: num(Number(seconds) * 1000, 0) });
	}
	if (s < 60) {
		return t('server.dur_s', { n: num(Number(seconds), Number(seconds) < 10 ? 1 : 0) });
	}
	const parts = [
		['d', Math.floor(s / 86400)],
		['h', Math.floor((s % 86400) / 3600)],
		['min', Math.floor((s % 3600) / 60)],
		['s', s % 60],
	];
	const first = parts.findIndex(([, n]) => n > 0);
	return parts
		.slice(first, first + 2)
		.filter(([, n]) => n > 0)
		.map(([unit, n]) => t(`server.dur_${unit}`, { n: num(n, 0) }))
		.join(' ');
}

function health(text) {
	if (text === 'ok') {
		return badge(t('server.health_ok'), 'ok');
	}
	if (!text || text === 'not checked') {
		return badge(t('server.health_unchecked'), 'off');
	}
	// the first problem quick_check found, as SQLite words it
	return h('span', {}, badge(t('server.health_bad'), 'bad'), ' ', h('span', { class: 'server-health-detail' }, text));
}

function fact(key, label, value) {
	return [h('dt', {}, label), h('dd', { dataset: { fact: key } }, value)];
}

function facts(info, ctx) {
	return h(
		'dl',
		{ class: 'facts server-facts' },
		fact('version', t('server.version'), info.version),
		fact('started', t('server.started'), dateTime(info.started_ms, ctx.timeZone, { dateStyle: 'medium', timeStyle: 'medium' })),
		fact('uptime', t('server.uptime'), duration(info.uptime_s)),
		fact('cpu', t('server.cpu'), duration(info.cpu_s)),
		fact('cycles', t('server.cycles'), num(info.recording_cycles, 0)),
		fact('lockouts', t('server.lockouts'), num(info.login_lockouts, 0)),
		fact('default_codes', t('server.default_codes'), info.default_codes_in_use ? badge(t('ui.yes'), 'warn') : badge(t('ui.no'), 'ok'))
	);
}

function optimization(info) {
	if (info.optimizing) {
		return badge(t('server.optimizing'), 'warn');
	}
	if (info.optimize_advised === undefined) {
		return '–';
	}
	return info.optimize_advised ? badge(t('server.optimize_advised'), 'warn') : badge(t('server.optimize_not_needed'), 'ok');
}

function database(info) {
	return h(
		'dl',
		{ class: 'facts server-facts' },
		fact('database', t('server.db_size'), size(info.database_bytes)),
		fact('wal', t('server.wal_size'), size(info.wal_bytes)),
		fact('unused', t('server.unused'), size(info.unused_bytes)),
		fact('free', t('server.free'), size(info.free_bytes)),
		fact('schema', t('server.schema'), String(info.schema_version)),
		fact('health', t('server.health'), health(info.database_health)),
		fact('optimize', t('server.optimization'), optimization(info))
	);
}

// The sizes before and after, as the server measured them.
function optimizedTable(result) {
	const rows = [
		['database_bytes', t('server.db_size')],
		['wal_bytes', t('server.wal_size')],
		['unused_bytes', t('server.unused')],
	].map(([key, label]) => ({ key, label, before: size(result.before?.[key]), after: size(result.after?.[key]) }));
	const tbl = table(
		[
			{ key: 'label', label: t('server.size_of') },
			{ key: 'before', label: t('server.before'), cls: 'num' },
			{ key: 'after', label: t('server.after'), cls: 'num' },
		],
		rows
	);
	tbl.setAttribute('aria-label', t('server.optimized_title'));
	tbl.dataset.optimized = '';
	return h(
		'section',
		{ class: 'server-optimized', 'aria-live': 'polite' },
		h('h3', {}, t('server.optimized_title')),
		h('p', { class: 'help' }, t('server.optimized_in', { time: duration((result.duration_ms ?? 0) / 1000) })),
		tbl
	);
}

export default async function render(body, ctx) {
	const state = { info: await api.get('/system'), result: null, error: null };
	const runBusy = async (btn, work) => {
		body.querySelectorAll('button').forEach((b) => {
			b.disabled = true;
		});
		btn.setAttribute('aria-busy', 'true');
		state.error = null;
		try {
			await work();
		} catch (err) {
			state.error = besideField(err.message, err.field);
		} finally {
			btn.removeAttribute('aria-busy');
			if (ctx.current()) {
				draw(btn.dataset.action);
			}
		}
	};
	const check = button(t('server.check'), (e) => runBusy(e.currentTarget, async () => {
		state.info = await api.get('/system', { check: 1 });
	}));
	// A refused optimization (too large to run beside the recording, or
	// busy) changes nothing: the reason is shown beside the button.
	const optimize = button(t('server.optimize'), (e) => runBusy(e.currentTarget, async () => {
		state.result = null;
		state.result = await api.post('/system/optimize');
		notice(t('server.optimized'));
		state.info = await api.get('/system');
	}));
	const refresh = button(t('ui.refresh'), (e) => runBusy(e.currentTarget, async () => {
		state.info = await api.get('/system');
	}), 'small');
	check.dataset.action = 'check';
	optimize.dataset.action = 'optimize';
	refresh.dataset.action = 'refresh';
	function draw(focus) {
		for (const b of [check, refresh]) {
			b.disabled = false;
		}
		optimize.disabled = Boolean(state.info.optimizing);
		optimize.className = state.info.optimize_advised ? 'primary' : '';
		const error = state.error ? h('p', { class: 'form-error', role: 'alert', dataset: { error: '' } }, state.error) : null;
		clear(
			body,
			h('div', { class: 'toolbar server-toolbar' }, refresh),
			h(
				'div',
				{ class: 'grid' },
				card(t('server.system_title'), facts(state.info, ctx)),
				card(
					t('server.db_title'),
					database(state.info),
					h('p', { class: 'help' }, t('server.optimize_help')),
					h('div', { class: 'form-actions server-actions' }, check, optimize),
					error,
					state.result ? optimizedTable(state.result) : null
				)
			)
		);
		// the buttons were moved, not rebuilt: keep the keyboard on the one used
		body.querySelector(`[data-action="${focus}"]`)?.focus();
	}
	draw();
	return undefined;
}
