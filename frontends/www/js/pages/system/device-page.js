// The pages of one device: adding it (the form alone) and changing it (the
// form, Test, ON/OFF, Delete and, for supervision modules, the labels of
// its inputs and outputs, §7.16.1.4).

import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { h, clear, button, confirm, notice, field, clearErrors } from '../../ui.js';
import { statusBadge, onOffBadge, testSlot, busy, refusalBox, section, showFieldError, runTest, backLink, again } from './common.js';
import { loadCatalog, modelOf, needs, deviceAddress } from './catalog.js';
import { deviceForm } from './device-form.js';

async function loadAll(gatewayId) {
	const [gw, catalog, loads, groups] = await Promise.all([api.get(`/gateways/${gatewayId}`), loadCatalog(), api.get('/loads'), api.get('/groups')]);
	return { gw, catalog, loads, groups };
}

export async function deviceFormPage(view, ctx, gatewayId) {
	const { gw, catalog, loads, groups } = await loadAll(gatewayId);
	const back = `system/gateways/${gw.id}`;
	const form = deviceForm({
		gw,
		device: null,
		catalog,
		loads,
		groups,
		onSubmit: async (body) => {
			const { id } = await api.post('/devices', body);
			notice(t('sys.dev.added'));
			ctx.go(back, { added: id });
		},
		onCancel: () => ctx.go(back),
	});
	clear(
		view,
		backLink(ctx, back, t('sys.dev.back', { name: gw.name })),
		section(t('sys.dev.new_title'), [], h('p', { class: 'lead' }, t('sys.dev.new_lead', { name: gw.name })), form)
	);
}

export async function devicePage(view, ctx, gatewayId, id) {
	const [{ gw, catalog, loads, groups }, device] = await Promise.all([loadAll(gatewayId), api.get(`/devices/${id}`)]);
	const back = `system/gateways/${gw.id}`;
	const model = modelOf(catalog, device.model);
	const rerender = () => again(ctx, () => devicePage(view, ctx, gatewayId, id));
	const refusal = refusalBox();
	const slot = testSlot();
	const form = deviceForm({
		gw,
		device,
		catalog,
		loads,
		groups,
		onSubmit: async (body) => {
			await api.put(`/devices/${id}`, body);
			notice(t('ui.saved'));
			await rerender();
		},
		onCancel: () => ctx.go(back),
	});
	const test = button(t('sys.test'), () => runTest(test, slot, `/devices/${id}/test`));
	test.dataset.action = 'test';
	const toggle = button(device.enabled ? t('sys.switch_off') : t('sys.switch_on'), () =>
		busy(toggle, async () => {
			refusal.clear();
			try {
				await api.put(`/devices/${id}`, { enabled: !device.enabled });
				await rerender();
			} catch (err) {
				refusal.show(err);
			}
		})
	);
	toggle.dataset.action = 'toggle';
	const del = button(t('ui.delete'), () => deleteDevice(del, device, refusal, ctx, back), 'danger');
	del.dataset.action = 'delete';
	const head = section(
		t('sys.dev.settings'),
		[test, toggle, del],
		h(
			'div',
			{ class: 'sys-gw-state' },
			h('span', {}, t('sys.dev.status'), ': '),
			statusBadge(device.status),
			device.enabled ? null : onOffBadge(false),
			h('span', { class: 'help' }, t('sys.dev.facts', { id: device.id, address: deviceAddress(device), gateway: gw.name }))
		),
		slot.el,
		refusal.el,
		form
	);
	head.dataset.deviceId = device.id;
	clear(
		view,
		backLink(ctx, back, t('sys.dev.back', { name: gw.name })),
		h('h2', { class: 'sys-title' }, t('sys.dev.heading', { name: device.name })),
		head,
		model && needs(model).labels ? await labelsSection(device, needs(model)) : null
	);
}

async function deleteDevice(b, device, refusal, ctx, back) {
	refusal.clear();
	if (!(await confirm(t('ui.confirm_delete', { name: device.name }), { okLabel: t('ui.delete') }))) {
		return;
	}
	await busy(b, async () => {
		try {
			await api.del(`/devices/${device.id}`);
			notice(t('ui.deleted'));
			ctx.go(back);
		} catch (err) {
			refusal.show(err);
		}
	});
}

// Custom labels of inputs (state) and outputs (command), 1-16 each; an
// empty label removes it.
async function labelsSection(device, n) {
	const labels = await api.get(`/devices/${device.id}/labels`);
	const kinds = [n.inputs ? 'input' : null, n.outputs ? 'output' : null].filter(Boolean);
	const list = h('div', { class: 'sys-labels' });
	const draw = (items) => {
		const rows = items.map((l) =>
			h('tr', { dataset: { kind: l.kind, number: l.number } }, h('td', { 'data-label': t('sys.labels.kind') }, t(`sys.labels.${l.kind}`)), h('td', { 'data-label': t('sys.labels.number'), class: 'num' }, String(l.number)), h('td', { 'data-label': t('sys.labels.label') }, l.label))
		);
		clear(
			list,
			items.length
				? h('table', { class: 'table' }, h('thead', {}, h('tr', {}, [t('sys.labels.kind'), t('sys.labels.number'), t('sys.labels.label')].map((x) => h('th', { scope: 'col' }, x)))), h('tbody', {}, rows))
				: h('p', { class: 'empty' }, t('sys.labels.none'))
		);
	};
	draw(labels);
	const submit = h('button', { type: 'submit', class: 'primary' }, t('ui.save'));
	const f = h(
		'form',
		{ class: 'form sys-form', novalidate: true, dataset: { form: 'label' } },
		h(
			'div',
			{ class: 'sys-field-row' },
			field({ name: 'kind', label: t('sys.labels.kind'), type: 'select', value: kinds[0], options: kinds.map((k) => ({ value: k, label: t(`sys.labels.${k}`) })) }),
			field({ name: 'number', label: t('sys.labels.number'), type: 'number', value: 1, attrs: { min: 1, max: 16 } })
		),
		field({ name: 'label', label: t('sys.labels.label'), help: t('sys.labels.help'), attrs: { maxlength: 63 } }),
		h('div', { class: 'form-actions' }, submit)
	);
	f.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(f);
		const kind = f.elements.kind.value;
		const number = f.elements.number.value || '0';
		await busy(submit, async () => {
			try {
				await api.put(`/devices/${device.id}/labels/${kind}/${encodeURIComponent(number)}`, { label: f.elements.label.value });
				notice(t('ui.saved'));
				f.elements.label.value = '';
				draw(await api.get(`/devices/${device.id}/labels`));
			} catch (err) {
				showFieldError(f, err);
			}
		});
	});
	return section(t('sys.labels.title'), [], h('p', { class: 'help' }, t('sys.labels.lead')), list, f);
}
