// My panel board's device buttons (§8.2.1 section A, §12.2.1): grouped by
// gateway, by panel board (a gateway's board) or all together. Each button
// shows the address, name, function symbols, breaker state and status;
// statuses follow the server every few seconds while the page is shown.

import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { h, clear, header, button } from '../../ui.js';
import { loadCatalogue, modelOf, addressText, symbols, statusBadge, breakerBadge, isBreaker, unreadable } from './common.js';

const GROUPINGS = ['gateway', 'board', 'all'];
const STATUS_EVERY_MS = 10000;

function byAddress(a, b) {
	return a.address - b.address || a.position - b.position || a.side - b.side || a.id - b.id;
}

function groupsOf(by, devices, gateways, boards) {
	const gwById = new Map(gateways.map((g) => [g.id, g]));
	if (by === 'all') {
		return [{ key: 'all', title: t('panel.all_devices'), devices: [...devices].sort((a, b) => a.name.localeCompare(b.name)) }];
	}
	if (by === 'board') {
		const groups = boards.map((b) => ({ key: `board:${b.id}`, title: b.name, meta: b.description, off: !b.enabled, devices: [] }));
		const none = { key: 'board:none', title: t('panel.no_board'), devices: [] };
		const byBoard = new Map(boards.map((b, i) => [b.id, groups[i]]));
		for (const d of devices) {
			const gw = gwById.get(d.gateway_id);
			(byBoard.get(gw && gw.board_id) || none).devices.push(d);
		}
		return [...groups, none].filter((g) => g.devices.length).map((g) => ({ ...g, devices: g.devices.sort(byAddress) }));
	}
	const groups = gateways.map((g) => ({
		key: `gateway:${g.id}`,
		title: g.name,
		meta: g.kind === 'local' ? t('panel.local_bus') : `${g.ip}:${g.port}`,
		off: !g.enabled,
		devices: devices.filter((d) => d.gateway_id === g.id).sort(byAddress),
	}));
	const orphans = devices.filter((d) => !gwById.has(d.gateway_id));
	if (orphans.length) {
		groups.push({ key: 'gateway:none', title: t('panel.no_gateway'), devices: orphans.sort(byAddress) });
	}
	return groups.filter((g) => g.devices.length);
}

function deviceButton(ctx, device, model) {
	const name = h('span', { class: 'device-name' }, device.name);
	const breakerSlot = h('span', { class: 'breaker-slot' });
	if (isBreaker(model) && device.enabled && !unreadable(model)) {
		breakerSlot.dataset.breakerLive = 'true';
		breakerSlot.dataset.breakerPending = 'true';
	} else if (isBreaker(model)) {
		breakerSlot.append(breakerBadge(null, device.enabled ? t('panel.no_map', { model: model.name }) : t('panel.status.off')));
	}
	return h(
		'a',
		{
			class: 'device-btn',
			href: ctx.href(`panel/device/${device.id}`),
			dataset: { deviceId: device.id, status: device.status },
		},
		h(
			'span',
			{ class: 'device-btn-top' },
			h('span', { class: 'device-addr', title: t('panel.address') }, h('span', { class: 'sr-only' }, `${t('panel.address')} `), addressText(device, model)),
			statusBadge(device.status, model)
		),
		name,
		h('span', { class: 'device-model' }, model ? model.name : device.model),
		h('span', { class: 'device-btn-foot' }, symbols(model), breakerSlot)
	);
}

function groupingSwitch(ctx, by) {
	return h(
		'nav',
		{ class: 'segmented', 'aria-label': t('panel.group_by') },
		h('span', { class: 'segmented-label', 'aria-hidden': 'true' }, t('panel.group_by')),
		GROUPINGS.map((g) => h('a', { href: ctx.href('panel', g === 'gateway' ? {} : { by: g }), class: g === by ? 'active' : '', 'aria-current': g === by ? 'page' : null, dataset: { by: g } }, t(`panel.by.${g}`)))
	);
}

// Breakers show their position from a live read; a read can take a
// gateway's timeout, so the buttons are shown first and filled in after.
function readBreakers(ctx, grid) {
	for (const slot of grid.querySelectorAll('[data-breaker-pending]')) {
		const id = slot.closest('[data-device-id]').dataset.deviceId;
		api.get(`/devices/${id}/live`).then(
			(readings) => {
				const r = readings.find((x) => x.quantity === 'state');
				if (ctx.current()) {
					clear(slot, breakerBadge(r ? r.value : null, r ? null : t('panel.breaker.not_given')));
				}
			},
			(err) => {
				if (ctx.current()) {
					clear(slot, breakerBadge(null, err.message));
				}
			}
		).finally(() => slot.removeAttribute('data-breaker-pending'));
	}
}

function updateStatuses(grid, devices) {
	for (const d of devices) {
		const btn = grid.querySelector(`[data-device-id="${d.id}"]`);
		if (btn && btn.dataset.status !== d.status) {
			btn.dataset.status = d.status;
			btn.querySelector('.badge.status').replaceWith(statusBadge(d.status));
		}
	}
}

async function pollStatuses(ctx, grid) {
	const fresh = await api.get('/devices');
	if (ctx.current()) {
		updateStatuses(grid, fresh);
	}
}

export async function renderList(view, ctx) {
	const by = GROUPINGS.includes(ctx.query.by) ? ctx.query.by : 'gateway';
	const [index, devices, gateways, boards] = await Promise.all([loadCatalogue(), api.get('/devices'), api.get('/gateways'), api.get('/boards')]);
	const groups = groupsOf(by, devices, gateways, boards);
	const grid = h(
		'div',
		{ class: 'panel-groups', dataset: { by } },
		groups.map((g) =>
			h(
				'section',
				{ class: 'panel-group', dataset: { group: g.key }, 'aria-labelledby': `pg-${g.key}` },
				h('h2', { id: `pg-${g.key}` }, g.title, g.off ? h('span', { class: 'badge off' }, t('panel.status.off')) : null, g.meta ? h('small', { class: 'group-meta' }, g.meta) : null),
				h('div', { class: 'device-grid' }, g.devices.map((d) => deviceButton(ctx, d, modelOf(index, d))))
			)
		)
	);
	const refresh = button(t('ui.refresh'), async () => {
		grid.setAttribute('aria-busy', 'true');
		try {
			await pollStatuses(ctx, grid);
			for (const slot of grid.querySelectorAll('[data-breaker-live]:not([data-breaker-pending])')) {
				slot.dataset.breakerPending = 'true';
			}
			readBreakers(ctx, grid);
		} catch {
			// the statuses stay as they were; the next poll tries again
		} finally {
			grid.removeAttribute('aria-busy');
		}
	}, 'small');
	refresh.dataset.action = 'refresh';
	clear(
		view,
		header(t('nav.panel_board'), refresh),
		h('p', { class: 'lead' }, t('panel.lead')),
		groupingSwitch(ctx, by),
		devices.length ? grid : h('p', { class: 'empty' }, t('panel.no_devices'), ' ', ctx.allowed('system') ? h('a', { href: ctx.href('system') }, t('panel.add_devices')) : null)
	);
	readBreakers(ctx, grid);
	const timer = setInterval(() => pollStatuses(ctx, grid).catch(() => {
		// the next tick tries again; a lost session goes to the login
	}), STATUS_EVERY_MS);
	ctx.onCleanup(() => clearInterval(timer));
}
