// Small DOM helpers every page uses: an element builder, tables that turn
// into cards on a phone, forms whose errors appear next to their field,
// notices, confirmations, tabs and full screen. No framework: the pages are
// few and the DOM is enough.

import { t } from './i18n.js';

// h('button', {class: 'primary', onclick: f}, 'Save'). Attributes named on*
// with a function become listeners; text children are text nodes (never
// parsed as HTML), so strings from devices and users cannot inject markup.
export function h(tag, attrs, ...children) {
	const el = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === undefined || v === null || v === false) {
			continue;
		}
		if (k.startsWith('on') && typeof v === 'function') {
			el.addEventListener(k.slice(2), v);
		} else if (k === 'dataset') {
			Object.assign(el.dataset, v);
		} else if (k === 'value') {
			el.value = v;
		} else if (k === 'checked' || k === 'selected' || k === 'disabled') {
			el[k] = Boolean(v);
		} else {
			el.setAttribute(k, v === true ? '' : String(v));
		}
	}
	append(el, children);
	return el;
}

function append(el, children) {
	for (const c of children.flat(Infinity)) {
		if (c === undefined || c === null || c === false) {
			continue;
		}
		el.append(c instanceof Node ? c : document.createTextNode(String(c)));
	}
}

export function clear(el, ...children) {
	el.replaceChildren();
	append(el, children);
	return el;
}

let uid = 0;
export function nextId(prefix = 'f') {
	uid += 1;
	return `${prefix}-${uid}`;
}

// A page heading with optional actions on the right.
export function header(title, ...actions) {
	return h('div', { class: 'page-head' }, h('h1', {}, title), h('div', { class: 'actions' }, actions));
}

export function card(title, ...body) {
	return h('section', { class: 'card' }, title ? h('h2', {}, title) : null, body);
}

export function button(label, onclick, cls = '') {
	return h('button', { type: 'button', class: cls, onclick }, label);
}

// columns: [{key, label, render?(row), cls?}]. On a phone each row becomes a
// card and each cell shows its column's label (CSS reads data-label).
export function table(columns, rows, { empty, onRow, caption } = {}) {
	if (!rows.length) {
		return h('p', { class: 'empty' }, empty || t('ui.empty'));
	}
	const head = h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.cls }, c.label)));
	const body = rows.map((row) =>
		h(
			'tr',
			onRow ? { class: 'clickable', tabindex: 0, onclick: () => onRow(row), onkeydown: (e) => e.key === 'Enter' && onRow(row) } : {},
			columns.map((c) => h('td', { 'data-label': c.label, class: c.cls }, c.render ? c.render(row) : row[c.key] ?? '–'))
		)
	);
	return h('table', { class: 'table' }, caption ? h('caption', {}, caption) : null, h('thead', {}, head), h('tbody', {}, body));
}

// One labelled field. spec: {name, label, type (text|number|select|checkbox|
// password|date|time|color|textarea), value, options [{value,label}],
// required, help, attrs}. The error slot after it is where showErrors writes.
export function field(spec) {
	const id = nextId(spec.name);
	const errId = `${id}-err`;
	const helpId = spec.help ? `${id}-help` : null;
	const describedBy = [helpId, errId].filter(Boolean).join(' ');
	const common = { id, name: spec.name, 'aria-describedby': describedBy, required: spec.required, ...(spec.attrs || {}) };
	let input;
	if (spec.type === 'select') {
		input = h(
			'select',
			common,
			(spec.options || []).map((o) => h('option', { value: o.value, selected: String(o.value) === String(spec.value ?? '') }, o.label))
		);
	} else if (spec.type === 'textarea') {
		input = h('textarea', common, spec.value ?? '');
	} else if (spec.type === 'checkbox') {
		input = h('input', { ...common, type: 'checkbox', checked: Boolean(spec.value) });
	} else {
		input = h('input', { ...common, type: spec.type || 'text', value: spec.value ?? '' });
	}
	const wrap = h(
		'div',
		{ class: `field field-${spec.type || 'text'}`, dataset: { field: spec.name } },
		h('label', { for: id }, spec.label, spec.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
		input,
		spec.help ? h('small', { id: helpId, class: 'help' }, spec.help) : null,
		h('p', { id: errId, class: 'field-error', role: 'alert', hidden: true })
	);
	return wrap;
}

// The values of a form's named controls: numbers for type=number, booleans
// for checkboxes, and blanks left out unless keepEmpty.
export function formValues(form, { keepEmpty = false } = {}) {
	const out = {};
	for (const el of form.querySelectorAll('[name]')) {
		if (el.disabled) {
			continue;
		}
		let v;
		if (el.type === 'checkbox') {
			v = el.checked;
		} else if (el.type === 'number') {
			v = el.value === '' ? '' : Number(el.value);
		} else {
			v = el.value;
		}
		if (v === '' && !keepEmpty) {
			continue;
		}
		out[el.name] = v;
	}
	return out;
}

export function clearErrors(form) {
	for (const p of form.querySelectorAll('.field-error')) {
		p.hidden = true;
		p.textContent = '';
	}
	for (const el of form.querySelectorAll('[aria-invalid]')) {
		el.removeAttribute('aria-invalid');
	}
	const general = form.querySelector('.form-error');
	if (general) {
		general.hidden = true;
		general.textContent = '';
	}
}

// ewsd words a refused field's message with the field first ("pin: another
// user has this PIN") so that it reads alone in a log; next to the field
// the prefix would only repeat the label.
export function besideField(message, fieldName) {
	const prefix = `${fieldName}: `;
	if (typeof message !== 'string' || !message.startsWith(prefix)) {
		return message;
	}
	const rest = message.slice(prefix.length);
	return rest.charAt(0).toUpperCase() + rest.slice(1);
}

// Puts an error next to the field it names (the server's error.field, or a
// check made here), else at the top of the form; focuses the field.
export function showError(form, err, fieldName = err.field) {
	const wrap = fieldName ? form.querySelector(`[data-field="${CSS.escape(fieldName)}"]`) : null;
	if (wrap) {
		const p = wrap.querySelector('.field-error');
		p.textContent = besideField(err.message, fieldName);
		p.hidden = false;
		const input = wrap.querySelector('input,select,textarea');
		if (input) {
			input.setAttribute('aria-invalid', 'true');
			input.focus();
		}
		return;
	}
	let general = form.querySelector('.form-error');
	if (!general) {
		general = h('p', { class: 'form-error', role: 'alert' });
		form.prepend(general);
	}
	general.textContent = err.field ? `${err.field}: ${err.message}` : err.message;
	general.hidden = false;
}

// form(fields, onSubmit, {submitLabel}): onSubmit(values) may throw an
// ApiError; its message lands next to its field and the form stays filled.
export function form(fields, onSubmit, { submitLabel, cancel, extra } = {}) {
	const f = h('form', { class: 'form', novalidate: true }, fields, extra, h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, submitLabel || t('ui.save')), cancel ? button(t('ui.cancel'), cancel) : null));
	f.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(f);
		const submit = f.querySelector('[type=submit]');
		submit.disabled = true;
		try {
			await onSubmit(formValues(f), f);
		} catch (err) {
			showError(f, err);
		} finally {
			submit.disabled = false;
		}
	});
	return f;
}

let noticeBox;
// A short message at the bottom of the screen; kind: info | error.
export function notice(message, kind = 'info') {
	if (!noticeBox) {
		noticeBox = h('div', { class: 'notices', role: 'status', 'aria-live': 'polite' });
		document.body.append(noticeBox);
	}
	const n = h('div', { class: `notice notice-${kind}` }, message);
	noticeBox.append(n);
	setTimeout(() => n.remove(), kind === 'error' ? 8000 : 4000);
}

// A modal dialog built on <dialog>; resolves true when confirmed.
export function confirm(message, { okLabel, danger = true } = {}) {
	return new Promise((resolve) => {
		const d = h(
			'dialog',
			{ class: 'dialog' },
			h('p', {}, message),
			h(
				'div',
				{ class: 'form-actions' },
				button(okLabel || t('ui.ok'), () => {
					d.close();
					resolve(true);
				}, danger ? 'danger' : 'primary'),
				button(t('ui.cancel'), () => {
					d.close();
					resolve(false);
				})
			)
		);
		d.addEventListener('close', () => {
			d.remove();
			resolve(false);
		});
		document.body.append(d);
		d.showModal();
	});
}

// A dialog holding any content (e.g. a form); returns {close}.
export function modal(title, content) {
	const d = h('dialog', { class: 'dialog wide', 'aria-label': title }, h('div', { class: 'dialog-head' }, h('h2', {}, title), button('×', () => d.close(), 'icon close')), content);
	d.addEventListener('close', () => d.remove());
	document.body.append(d);
	d.showModal();
	return { close: () => d.close(), el: d };
}

// tabs([{id, label, href}], activeId): links, so every view has an address.
export function tabs(items, active) {
	return h(
		'nav',
		{ class: 'tabs', 'aria-label': t('ui.views') },
		items.map((i) => h('a', { href: i.href, class: i.id === active ? 'active' : '', 'aria-current': i.id === active ? 'page' : null }, i.label))
	);
}

// A button that shows el (a chart's box) full screen (UI-3).
export function fullscreenButton(el) {
	return button(t('ui.fullscreen'), () => {
		if (document.fullscreenElement) {
			document.exitFullscreen();
		} else {
			el.requestFullscreen?.();
		}
	}, 'small');
}

export function loading() {
	return h('p', { class: 'loading', role: 'status' }, t('ui.loading'));
}

// An error where a page's content would be.
export function failure(err) {
	return h('p', { class: 'page-error', role: 'alert' }, err.message || String(err));
}

export function badge(text, kind = '') {
	return h('span', { class: `badge ${kind}` }, text);
}
