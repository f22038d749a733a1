// One device's page (#/panel/device/<id>[/<view>]): what it is and its
// status, then the views its functions give (§8.2.1 section 1): Measure and
// History for meters, Station for EV stations, State for breakers, Inputs
// and Outputs for supervision I/O, Commands where the model has writable
// registers and the user may write.

import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { h, clear, tabs } from '../../ui.js';
import { loadCatalogue, loadModel, modelOf, addressText, symbols, statusBadge, caps, isStation, isIo, isBreaker } from './common.js';
import { renderMeasure, renderState } from './live.js';
import { renderHistory } from './history.js';
import { renderStation } from './station.js';
import { renderIo } from './io.js';
import { renderCommands, writable } from './commands.js';

const STATUS_EVERY_MS = 10000;

function viewsFor(ctx, model) {
	const c = caps(model);
	const out = [];
	if (isStation(model)) {
		out.push('station', 'measure', 'history');
	} else if (isIo(model)) {
		if (c.has('state')) {
			out.push('inputs');
		}
		if (c.has('command') || !c.has('state')) {
			out.push('outputs');
		}
	} else {
		if (isBreaker(model)) {
			out.push('state');
		}
		if (!isBreaker(model) || c.has('measure')) {
			out.push('measure', 'history');
		}
	}
	if (ctx.allowed('system') && writable(model).length) {
		out.push('commands');
	}
	return out;
}

const RENDER = {
	measure: (box, ctx, d, m) => renderMeasure(box, ctx, d, m),
	history: (box, ctx, d, m) => renderHistory(box, ctx, d, m),
	station: (box, ctx, d, m) => renderStation(box, ctx, d, m),
	state: (box, ctx, d, m) => renderState(box, ctx, d, m),
	inputs: (box, ctx, d, m) => renderIo(box, ctx, d, m, 'input'),
	outputs: (box, ctx, d, m) => renderIo(box, ctx, d, m, 'output'),
	commands: (box, ctx, d, m) => renderCommands(box, ctx, d, m),
};

function identity(device, model, gateways, boards) {
	const gw = gateways.find((g) => g.id === device.gateway_id);
	const board = gw && boards.find((b) => b.id === gw.board_id);
	const item = (key, label, value) => (value ? [h('dt', {}, label), h('dd', { dataset: { fact: key } }, value)] : null);
	return h(
		'dl',
		{ class: 'facts device-facts' },
		item('address', t('panel.address'), addressText(device, model)),
		item('model', t('panel.model'), model ? model.name : device.model),
		item('gateway', t('panel.gateway'), gw && gw.name),
		item('board', t('panel.board'), board && board.name),
		item('functions', t('panel.functions'), symbols(model))
	);
}

function notFound(view, ctx) {
	clear(view, h('h1', {}, t('panel.device_missing')), h('p', {}, h('a', { href: ctx.href('panel') }, t('panel.back'))));
}

export async function renderDevice(view, ctx) {
	const id = Number(ctx.segments[1]);
	if (!Number.isInteger(id) || id < 1) {
		notFound(view, ctx);
		return;
	}
	let device;
	try {
		device = await api.get(`/devices/${id}`);
	} catch (e) {
		if (e.status === 404) {
			notFound(view, ctx);
			return;
		}
		throw e;
	}
	const [index, gateways, boards] = await Promise.all([loadCatalogue(), api.get('/gateways'), api.get('/boards')]);
	const brief = modelOf(index, device);
	const model = brief && brief.has_map ? await loadModel(brief.key) : brief;
	const views = viewsFor(ctx, model);
	const active = views.includes(ctx.segments[2]) ? ctx.segments[2] : views[0];
	const status = h('span', { class: 'head-status' }, statusBadge(device.status, model));
	const box = h('div', { class: 'device-view', dataset: { view: active } });
	clear(
		view,
		h('p', { class: 'crumbs' }, h('a', { href: ctx.href('panel') }, `‹ ${t('panel.back')}`)),
		h('div', { class: 'page-head device-head', dataset: { deviceId: device.id } }, h('h1', {}, device.name), status),
		identity(device, model, gateways, boards),
		views.length > 1 ? tabs(views.map((v) => ({ id: v, label: t(`panel.view.${v}`), href: ctx.href(`panel/device/${id}/${v}`) })), active) : null,
		box
	);
	const timer = setInterval(async () => {
		try {
			const d = await api.get(`/devices/${id}`);
			if (ctx.current() && d.status !== device.status) {
				clear(status, statusBadge(d.status, model));
			}
			// switched ON or OFF meanwhile: the next live read follows it
			Object.assign(device, { status: d.status, enabled: d.enabled });
		} catch {
			// the next tick tries again
		}
	}, STATUS_EVERY_MS);
	ctx.onCleanup(() => clearInterval(timer));
	await RENDER[active](box, ctx, device, model);
}
