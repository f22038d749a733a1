// Gateways and devices (§7.16.1, INS-1..5): the list of gateways, one
// gateway's settings with its devices, and the device pages.
//   #/system/gateways                     every gateway
//   #/system/gateways/new                 add a gateway
//   #/system/gateways/{id}                its settings and its devices
//   #/system/gateways/{id}/devices/new    add a device (devices.js)
//   #/system/gateways/{id}/devices/{dev}  one device

import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { h, clear, table, field, button, confirm, notice, clearErrors, formValues } from '../../ui.js';
import { onOffBadge, testSlot, busy, refusalBox, section, fieldset, showFieldError, byId, markRows, runTest, backLink, again } from './common.js';
import { loadCatalog, modelOf, needs } from './catalog.js';
import { devicesSection } from './devices.js';
import { deviceFormPage, devicePage } from './device-page.js';

export default async function render(view, ctx) {
	const [a, b, c] = ctx.segments;
	if (!a) {
		return listView(view, ctx);
	}
	if (a === 'new') {
		return newGatewayView(view, ctx);
	}
	const id = Number(a);
	if (b === 'devices' && c === 'new') {
		return deviceFormPage(view, ctx, id);
	}
	if (b === 'devices' && c) {
		return devicePage(view, ctx, id, Number(c));
	}
	return gatewayView(view, ctx, id);
}

function address(gw) {
	return gw.kind === 'local' ? t('sys.gw.local_address') : `${gw.ip}:${gw.port}`;
}

async function listView(view, ctx) {
	const [gateways, boards] = await Promise.all([api.get('/gateways'), api.get('/boards')]);
	const boardOf = byId(boards);
	const refusal = refusalBox();
	const columns = [
		{ key: 'id', label: t('sys.id'), cls: 'num' },
		{ key: 'name', label: t('sys.name'), render: (g) => h('a', { href: ctx.href(`system/gateways/${g.id}`), class: 'sys-gw-link' }, g.name) },
		{ key: 'ip', label: t('sys.gw.address'), render: address },
		{ key: 'kind', label: t('sys.gw.kind'), render: (g) => t(`sys.gw.kind_${g.kind}`) },
		{ key: 'board_id', label: t('sys.board'), render: (g) => (g.board_id ? boardOf.get(g.board_id)?.name ?? `#${g.board_id}` : '–') },
		{ key: 'enabled', label: t('sys.state'), render: (g) => onOffBadge(g.enabled) },
		{ key: 'test', label: t('sys.test'), render: (g) => testCell(g) },
		{ key: 'open', label: t('sys.devices'), render: (g) => h('a', { class: 'button small', href: ctx.href(`system/gateways/${g.id}`), 'aria-label': t('sys.gw.devices_of', { name: g.name }), dataset: { action: 'open' } }, t('sys.gw.open_devices')) },
	];
	const list = table(columns, gateways, { empty: t('sys.gw.none'), caption: t('sys.gw.list_caption') });
	markRows(list, gateways, 'gatewayId');
	clear(
		view,
		section(
			t('sys.gw.title'),
			[h('a', { class: 'button primary', href: ctx.href('system/gateways/new'), dataset: { action: 'add-gateway' } }, t('sys.gw.add'))],
			h('p', { class: 'lead' }, t('sys.gw.lead')),
			refusal.el,
			list
		)
	);
}

function testCell(gw) {
	const slot = testSlot();
	const b = button(t('sys.test'), () => runTest(b, slot, `/gateways/${gw.id}/test`), 'small');
	b.dataset.action = 'test';
	b.setAttribute('aria-label', t('sys.gw.test_label', { name: gw.name }));
	return h('div', { class: 'sys-test' }, b, slot.el);
}

async function newGatewayView(view, ctx) {
	const boards = await api.get('/boards');
	const form = gatewayForm(null, { boards, eqDevices: [] }, async (body) => {
		const { id } = await api.post('/gateways', body);
		notice(t('sys.gw.added'));
		ctx.go(`system/gateways/${id}`);
	}, () => ctx.go('system/gateways'));
	clear(
		view,
		backLink(ctx, 'system/gateways', t('sys.gw.back')),
		section(t('sys.gw.new_title'), [], h('p', { class: 'lead' }, t('sys.gw.new_lead')), form)
	);
}

// The gateway's form; gw null for a new one. eqDevices: the devices of
// this gateway that can be its EN 50160 device (§7.16.1.4).
function gatewayForm(gw, { boards, eqDevices }, onSubmit, onCancel) {
	const local = gw?.kind === 'local';
	const fields = [
		gw ? null : field({
			name: 'kind',
			label: t('sys.gw.kind'),
			type: 'select',
			value: 'physical',
			options: ['physical', 'virtual'].map((k) => ({ value: k, label: t(`sys.gw.kind_${k}`) })),
			help: t('sys.gw.kind_help'),
		}),
		local ? null : field({ name: 'ip', label: t('sys.gw.ip'), value: gw?.ip, required: true, help: t('sys.gw.ip_help'), attrs: { inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false' } }),
		local ? null : field({ name: 'port', label: t('sys.gw.port'), type: 'number', value: gw?.port ?? 502, help: t('sys.gw.port_help'), attrs: { min: 1, max: 65535 } }),
		field({ name: 'name', label: t('sys.name'), value: gw?.name, help: t('sys.gw.name_help'), attrs: { maxlength: 63, autocomplete: 'off' } }),
		field({ name: 'description', label: t('sys.description'), value: gw?.description, help: t('sys.gw.description_help') }),
	];
	const assign = [
		field({
			name: 'board_id',
			label: t('sys.board'),
			type: 'select',
			value: gw?.board_id ?? '',
			options: [{ value: '', label: t('sys.none') }, ...boards.filter((b) => b.enabled || b.id === gw?.board_id).map((b) => ({ value: b.id, label: b.name }))],
			help: t('sys.gw.board_help'),
		}),
		gw && eqDevices.length
			? field({
				name: 'eq_device_id',
				label: t('sys.gw.eq_device'),
				type: 'select',
				value: gw.eq_device_id ?? '',
				options: [{ value: '', label: t('sys.none') }, ...eqDevices.map((d) => ({ value: d.id, label: d.name }))],
				help: t('sys.gw.eq_help'),
			})
			: null,
	];
	const f = h(
		'form',
		{ class: 'form sys-form sys-form-wide', novalidate: true, dataset: { form: 'gateway' } },
		h('div', { class: 'sys-form-cols' }, fieldset(t('sys.gw.connection'), fields), fieldset(t('sys.gw.assignment'), assign)),
		h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, gw ? t('ui.save') : t('sys.gw.add')), onCancel ? button(t('ui.cancel'), onCancel) : null)
	);
	f.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(f);
		const v = formValues(f, { keepEmpty: true });
		const body = { name: v.name.trim(), description: v.description };
		if (!local) {
			body.ip = v.ip.trim();
			body.port = v.port === '' ? 502 : v.port;
		}
		if (!gw) {
			body.kind = v.kind;
		}
		body.board_id = v.board_id ? Number(v.board_id) : null;
		if ('eq_device_id' in v) {
			body.eq_device_id = v.eq_device_id ? Number(v.eq_device_id) : null;
		}
		const submit = f.querySelector('[type=submit]');
		await busy(submit, async () => {
			try {
				await onSubmit(body);
			} catch (err) {
				showFieldError(f, err);
			}
		});
	});
	return f;
}

async function gatewayView(view, ctx, id) {
	const [gw, boards, devices, catalog, loads] = await Promise.all([
		api.get(`/gateways/${id}`),
		api.get('/boards'),
		api.get('/devices', { gateway: id }),
		loadCatalog(),
		api.get('/loads'),
	]);
	const eqDevices = devices.filter((d) => {
		const m = modelOf(catalog, d.model);
		return m && needs(m).eq;
	});
	const refusal = refusalBox();
	const slot = testSlot();
	const rerender = () => again(ctx, () => gatewayView(view, ctx, id));
	const form = gatewayForm(gw, { boards, eqDevices }, async (body) => {
		await api.put(`/gateways/${id}`, body);
		notice(t('ui.saved'));
		await rerender();
	});
	const testButton = button(t('sys.test'), () => runTest(testButton, slot, `/gateways/${id}/test`));
	testButton.dataset.action = 'test';
	const toggle = button(gw.enabled ? t('sys.switch_off') : t('sys.switch_on'), () => switchGateway(toggle, gw, refusal, rerender));
	toggle.dataset.action = 'toggle';
	const del = gw.kind === 'local' ? null : button(t('ui.delete'), () => deleteGateway(del, gw, refusal, ctx), 'danger');
	if (del) {
		del.dataset.action = 'delete';
	}
	// The devices come first: they are what the installer opens a gateway
	// for; its own settings change rarely.
	const settings = section(
		t('sys.gw.settings'),
		[testButton, toggle, del],
		slot.el,
		refusal.el,
		gw.kind === 'local' ? h('p', { class: 'help' }, t('sys.gw.local_help'), ' ', h('a', { href: ctx.href('system/acquisition') }, t('sys.gw.rs485_link'))) : null,
		form
	);
	settings.dataset.gatewayId = gw.id;
	clear(
		view,
		backLink(ctx, 'system/gateways', t('sys.gw.back')),
		h('h2', { class: 'sys-title' }, t('sys.gw.heading', { name: gw.name })),
		h('p', { class: 'sys-gw-state' }, onOffBadge(gw.enabled), h('span', { class: 'help' }, t(`sys.gw.kind_${gw.kind}`), ' · ', address(gw), ' · ', t('sys.id_is', { id: gw.id }))),
		gw.enabled ? null : h('p', { class: 'banner warn' }, t('sys.gw.off_note')),
		devicesSection(ctx, { gw, devices, catalog, loads, rerender }),
		settings
	);
}

async function switchGateway(b, gw, refusal, rerender) {
	refusal.clear();
	if (gw.enabled && !(await confirm(t('sys.gw.confirm_off', { name: gw.name }), { okLabel: t('sys.switch_off') }))) {
		return;
	}
	await busy(b, async () => {
		try {
			await api.put(`/gateways/${gw.id}`, { enabled: !gw.enabled });
			notice(gw.enabled ? t('sys.gw.switched_off') : t('sys.gw.switched_on'));
			await rerender();
		} catch (err) {
			refusal.show(err);
		}
	});
}

async function deleteGateway(b, gw, refusal, ctx) {
	refusal.clear();
	if (!(await confirm(t('ui.confirm_delete', { name: gw.name }), { okLabel: t('ui.delete') }))) {
		return;
	}
	await busy(b, async () => {
		try {
			await api.del(`/gateways/${gw.id}`);
			notice(t('ui.deleted'));
			ctx.go('system/gateways');
		} catch (err) {
			refusal.show(err);
		}
	});
}
