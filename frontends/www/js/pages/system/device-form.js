// The installer's device form (§7.16.1.3, INS-2, CAT-3): family → model →
// only the parameters that model needs. The server checks everything; a
// refused save puts its message next to the field it names and the form
// keeps what was typed, also across a change of model.

import { t } from '../../i18n.js';
import { h, clear, field, button, clearErrors, nextId } from '../../ui.js';
import { busy, fieldset, showFieldError } from './common.js';
import { FAMILIES, familyLabel, modelLabel, modelOf, needs } from './catalog.js';
import { modelInfo } from './model-info.js';

const CONCENTRATORS = ['F80BI', 'F4CON12', 'F4CON'];
const REG_TYPES = ['u16', 's16', 'u32', 's32', 'u64', 's64', 'f32', 'f64'];
const ALL_LOADS = 29999;

// opts: {gw, device (null: new), catalog, loads, groups, onSubmit(body), onCancel}
export function deviceForm(opts) {
	const { gw, device, catalog } = opts;
	const virtualGw = gw.kind === 'virtual';
	const models = catalog.filter((m) => (m.family === 'wsmeasure') === virtualGw);
	const current = device ? modelOf(catalog, device.model) : null;
	const families = FAMILIES.filter((f) => models.some((m) => m.family === f));
	const familySel = field({
		name: 'family',
		label: t('sys.dev.family'),
		type: 'select',
		required: true,
		value: current?.family ?? (families.length === 1 ? families[0] : ''),
		options: [{ value: '', label: t('sys.dev.choose_family') }, ...families.map((f) => ({ value: f, label: familyLabel(f) }))],
		help: t('sys.dev.family_help'),
	});
	const parts = {
		model: h('div', { class: 'sys-model-slot' }),
		info: h('aside', { class: 'sys-model-info', 'aria-live': 'polite', 'aria-label': t('sys.dev.model_info') }),
		params: h('div', { class: 'sys-params' }),
		assign: h('div', { class: 'sys-assign' }),
		options: h('div', { class: 'sys-options' }),
		submit: h('button', { type: 'submit', class: 'primary' }, device ? t('ui.save') : t('sys.dev.add')),
	};
	const f = layout(familySel, parts, opts.onCancel);
	const state = { model: current };
	const familyInput = familySel.querySelector('select');

	// A new model redraws its parameters; what was typed carries over.
	const showModel = (key) => {
		const saved = snapshot(f);
		state.model = key ? modelOf(catalog, key) : null;
		f.dataset.model = key || '';
		clear(parts.info, state.model ? modelInfo(state.model) : h('p', { class: 'help sys-model-empty' }, t('sys.dev.model_info_empty')));
		clear(parts.params, state.model ? paramFields(state.model, opts) : h('p', { class: 'help' }, t('sys.dev.model_first')));
		clear(parts.assign, assignFields(state.model, opts));
		clear(parts.options, optionFields(state.model, opts));
		restore(f, saved);
	};
	const showModels = (keepKey) => {
		const sel = modelSelect(models, familyInput.value, keepKey);
		clear(parts.model, sel);
		sel.querySelector('select').addEventListener('change', (e) => showModel(e.target.value));
		showModel(sel.querySelector('select').value);
	};
	familyInput.addEventListener('change', () => showModels(null));
	showModels(current?.key ?? null);
	if (device) {
		restore(f, fromDevice(device));
	}
	f.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(f);
		if (!state.model) {
			showFieldError(f, { field: familyInput.value ? 'model' : 'family', message: t('sys.dev.model_required') });
			return;
		}
		const body = toBody(f, state.model, gw);
		await busy(parts.submit, async () => {
			try {
				await opts.onSubmit(body);
			} catch (err) {
				showFieldError(f, err);
			}
		});
	});
	return f;
}

// Steps 1-4 of the manual's procedure; the model's description beside them.
function layout(familySel, parts, onCancel) {
	return h(
		'form',
		{ class: 'form sys-form sys-device-form', novalidate: true, dataset: { form: 'device' } },
		h(
			'div',
			{ class: 'sys-device-grid' },
			h('div', { class: 'sys-device-type' }, fieldset(t('sys.dev.step_type'), familySel, parts.model)),
			parts.info,
			h(
				'div',
				{ class: 'sys-device-rest' },
				fieldset(t('sys.dev.step_address'), parts.params),
				fieldset(t('sys.dev.step_name'), parts.assign),
				fieldset(t('sys.dev.step_options'), parts.options),
				h('div', { class: 'form-actions' }, parts.submit, onCancel ? button(t('ui.cancel'), onCancel) : null)
			)
		)
	);
}

// The family's models; a family of one model has it chosen at once.
function modelSelect(models, family, keepKey) {
	const list = models.filter((m) => m.family === family).sort((a, b) => a.name.localeCompare(b.name));
	const key = keepKey && list.some((m) => m.key === keepKey) ? keepKey : list.length === 1 ? list[0].key : '';
	return field({
		name: 'model',
		label: t('sys.dev.model'),
		type: 'select',
		required: true,
		value: key,
		options: [{ value: '', label: family ? t('sys.dev.choose_model') : t('sys.dev.choose_family_first') }, ...list.map((m) => ({ value: m.key, label: modelLabel(m) }))],
		attrs: family ? {} : { disabled: true },
	});
}

function num(spec) {
	return field({ type: 'number', ...spec });
}

// The parameters of §7.16.1.3, only those the model asks for.
function paramFields(m, { gw }) {
	const n = needs(m);
	const out = [];
	if (n.address) {
		out.push(num({ name: 'address', label: n.pulse ? t('sys.dev.concentrator_address') : t('sys.dev.address'), required: true, help: t('sys.dev.address_help'), attrs: { min: 1, max: 247, inputmode: 'numeric' } }));
	} else {
		out.push(h('p', { class: 'help' }, t('sys.dev.virtual_address')));
	}
	if (n.emsInterface) {
		out.push(num({ name: 'ems_interface', label: t('sys.dev.ems_interface'), help: t('sys.dev.ems_interface_help'), attrs: { min: 1, max: 9, inputmode: 'numeric' } }));
	}
	if (n.pulse) {
		out.push(
			field({ name: 'concentrator', label: t('sys.dev.concentrator'), type: 'select', required: true, value: 'F80BI', options: CONCENTRATORS.map((c) => ({ value: c, label: c })), help: t('sys.dev.concentrator_help') }),
			num({ name: 'position', label: t('sys.dev.position'), required: true, help: t('sys.dev.position_help'), attrs: { min: 1, max: 32, inputmode: 'numeric' } })
		);
	}
	if (n.side) {
		out.push(field({ name: 'side', label: t('sys.dev.side'), type: 'select', required: true, value: '1', options: [1, 2].map((s) => ({ value: String(s), label: t('sys.dev.side_n', { n: s }) })), help: m.address_per_side ? t('sys.dev.side_help_own') : t('sys.dev.side_help_shared') }));
	}
	if (n.phase) {
		out.push(field({ name: 'phase', label: t('sys.dev.phase'), type: 'select', required: true, value: '', options: [{ value: '', label: t('sys.dev.choose_phase') }, ...['L1', 'L2', 'L3'].map((p) => ({ value: p, label: p }))], help: t('sys.dev.phase_help') }));
	}
	if (n.supply) {
		out.push(field({ name: 'supply', label: t('sys.dev.supply'), type: 'select', required: true, value: 'upstream', options: ['upstream', 'downstream'].map((s) => ({ value: s, label: t(`sys.dev.supply_${s}`) })), help: t('sys.dev.supply_help') }));
	}
	if (n.generic) {
		out.push(genericFields());
	}
	if (n.remote) {
		out.push(remoteField());
	}
	return out;
}

// CAT-3: the one register of positive active energy, from the meter's
// documentation.
function genericFields() {
	return h(
		'div',
		{ class: 'sys-generic' },
		h('p', { class: 'help' }, t('sys.dev.generic_help')),
		h(
			'div',
			{ class: 'sys-field-row' },
			field({ name: 'read_code', label: t('sys.dev.read_code'), type: 'select', required: true, value: '3', options: [3, 4].map((c) => ({ value: String(c), label: t(`sys.dev.read_code_${c}`) })) }),
			field({ name: 'reg_address', label: t('sys.dev.register'), required: true, help: t('sys.dev.register_help'), attrs: { placeholder: '0x0048', spellcheck: 'false', autocomplete: 'off' } })
		),
		h(
			'div',
			{ class: 'sys-field-row' },
			field({ name: 'reg_words', label: t('sys.dev.words'), type: 'select', required: true, value: '2', options: [1, 2, 4].map((w) => ({ value: String(w), label: String(w) })) }),
			field({ name: 'reg_type', label: t('sys.dev.reg_type'), type: 'select', value: '', options: [{ value: '', label: t('sys.dev.reg_type_auto') }, ...REG_TYPES.map((x) => ({ value: x, label: t(`sys.dev.type_${x}`) }))] }),
			field({ name: 'reg_word_order', label: t('sys.dev.word_order'), type: 'select', value: 'be', options: ['be', 'lsw'].map((o) => ({ value: o, label: t(`sys.dev.word_order_${o}`) })) })
		),
		num({ name: 'multiplier', label: t('sys.dev.multiplier'), required: true, value: 1, help: t('sys.dev.multiplier_help'), attrs: { step: 'any', min: 0 } })
	);
}

function remoteField() {
	const wrap = num({ name: 'remote_id', label: t('sys.dev.remote_id'), required: true, help: t('sys.dev.remote_id_help'), attrs: { min: 10001, max: 39999, inputmode: 'numeric' } });
	const input = wrap.querySelector('input');
	const all = button(t('sys.dev.remote_all'), () => {
		input.value = String(ALL_LOADS);
		input.focus();
	}, 'small');
	all.dataset.action = 'remote-all';
	input.after(all);
	return wrap;
}

function assignFields(m, { loads, groups }) {
	const n = m ? needs(m) : { load: true };
	const out = [field({ name: 'name', label: t('sys.name'), help: t('sys.dev.name_help'), attrs: { maxlength: 63, autocomplete: 'off' } })];
	if (n.load) {
		out.push(
			field({
				name: 'load_id',
				label: t('sys.load'),
				type: 'select',
				value: '',
				options: [{ value: '', label: t('sys.load_others') }, ...loads.filter((l) => l.origin === 'user' || l.origin === 'predefined').filter((l) => l.enabled).map((l) => ({ value: String(l.id), label: l.name }))],
				help: t('sys.dev.load_help'),
			})
		);
	} else {
		out.push(h('p', { class: 'help', dataset: { field: 'load_id' } }, t('sys.dev.load_auto', { commodity: t(`sys.commodity.${m.commodity}`) }), h('span', { class: 'field-error', hidden: true })));
	}
	out.push(groupsField(groups));
	return out;
}

// Measure groups as checkboxes; at most 5 (the server says so if more).
function groupsField(groups) {
	const errId = nextId('groups-err');
	const enabled = groups.filter((g) => g.enabled);
	return h(
		'fieldset',
		{ class: 'sys-checks', dataset: { field: 'group_ids' }, 'aria-describedby': errId },
		h('legend', {}, t('sys.dev.groups')),
		enabled.length
			? enabled.map((g) => {
				const id = nextId('grp');
				return h('span', { class: 'sys-check' }, h('input', { type: 'checkbox', id, name: 'group', value: String(g.id), dataset: { group: g.id } }), h('label', { for: id }, g.name));
			})
			: h('p', { class: 'help' }, t('sys.dev.no_groups')),
		h('small', { class: 'help' }, t('sys.dev.groups_help')),
		h('p', { id: errId, class: 'field-error', role: 'alert', hidden: true })
	);
}

function optionFields(m) {
	const n = m ? needs(m) : {};
	return [
		field({ name: 'exclude_totals', label: t('sys.dev.exclude_totals'), type: 'checkbox', help: t('sys.dev.exclude_totals_help') }),
		n.excludeAlerts ? field({ name: 'exclude_alerts', label: t('sys.dev.exclude_alerts'), type: 'checkbox', help: t('sys.dev.exclude_alerts_help') }) : null,
	];
}

// The form's values by name, to carry them across a change of model.
function snapshot(form) {
	const out = {};
	for (const el of form.querySelectorAll('[name]')) {
		if (el.name === 'family' || el.name === 'model') {
			continue;
		}
		if (el.type === 'checkbox') {
			if (el.name === 'group') {
				out[`group:${el.value}`] = el.checked;
			} else {
				out[el.name] = el.checked;
			}
		} else if (el.value !== '') {
			out[el.name] = el.value;
		}
	}
	return out;
}

function restore(form, values) {
	for (const el of form.querySelectorAll('[name]')) {
		const key = el.name === 'group' ? `group:${el.value}` : el.name;
		if (!(key in values) || el.name === 'family' || el.name === 'model') {
			continue;
		}
		if (el.type === 'checkbox') {
			el.checked = Boolean(values[key]);
		} else if (values[key] !== null && values[key] !== undefined) {
			el.value = String(values[key]);
		}
	}
}

function fromDevice(d) {
	const v = {
		name: d.name,
		address: d.address,
		ems_interface: d.ems_interface || '',
		position: d.position || '',
		concentrator: d.concentrator || 'F80BI',
		side: d.side ? String(d.side) : '1',
		phase: d.phase ? `L${d.phase}` : '',
		supply: d.supply || 'upstream',
		load_id: d.load_id ? String(d.load_id) : '',
		exclude_totals: d.exclude_totals,
		exclude_alerts: d.exclude_alerts,
		read_code: d.read_code ? String(d.read_code) : '3',
		reg_address: d.read_code ? `0x${d.reg_address.toString(16).toUpperCase().padStart(4, '0')}` : '',
		reg_words: d.reg_words ? String(d.reg_words) : '2',
		reg_type: d.reg_type || '',
		reg_word_order: d.reg_word_order || 'be',
		multiplier: d.multiplier || 1,
		remote_id: d.remote_id || '',
	};
	for (const g of d.group_ids) {
		v[`group:${g}`] = true;
	}
	return v;
}

const value = (form, name) => form.querySelector(`[name="${name}"]`)?.value ?? '';
const checked = (form, name) => Boolean(form.querySelector(`[name="${name}"]`)?.checked);
const intOr0 = (s) => (s === '' ? 0 : Number(s));

// The manual gives the register in hexadecimal, with or without "0x".
function hex(text) {
	const s = text.trim();
	if (!s) {
		return 0;
	}
	return /^[0-9a-f]+$/i.test(s) ? `0x${s}` : s;
}

// The whole device, with the fields this model does not use cleared, so a
// change of model never leaves the old model's parameters behind.
function toBody(form, m, gw) {
	const n = needs(m);
	return {
		gateway_id: gw.id,
		model: m.key,
		name: value(form, 'name').trim(),
		...(n.address ? { address: intOr0(value(form, 'address')) } : {}),
		ems_interface: n.emsInterface ? intOr0(value(form, 'ems_interface')) : 0,
		position: n.pulse ? intOr0(value(form, 'position')) : 0,
		concentrator: n.pulse ? value(form, 'concentrator') : '',
		side: n.side ? intOr0(value(form, 'side')) : 0,
		phase: n.phase ? value(form, 'phase') || 0 : 0,
		supply: n.supply ? value(form, 'supply') : null,
		load_id: n.load && value(form, 'load_id') ? Number(value(form, 'load_id')) : null,
		group_ids: [...form.querySelectorAll('[name="group"]:checked')].map((c) => Number(c.value)),
		exclude_totals: checked(form, 'exclude_totals'),
		exclude_alerts: n.excludeAlerts ? checked(form, 'exclude_alerts') : false,
		read_code: n.generic ? intOr0(value(form, 'read_code')) : 0,
		reg_address: n.generic ? hex(value(form, 'reg_address')) : 0,
		reg_words: n.generic ? intOr0(value(form, 'reg_words')) : 0,
		multiplier: n.generic ? Number(value(form, 'multiplier') || 0) : 0,
		reg_type: n.generic ? value(form, 'reg_type') || null : null,
		reg_word_order: n.generic ? value(form, 'reg_word_order') || 'be' : 'be',
		remote_id: n.remote ? intOr0(value(form, 'remote_id')) : 0,
	};
}
