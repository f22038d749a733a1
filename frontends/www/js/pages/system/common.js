// Pieces the system configuration views share: status badges, the outcome
// of a Test, refusals shown where the user acted, settings saved one by one.

import { api } from '../../api.js';
import { t, num, language } from '../../i18n.js';
import { h, clear, badge, tabs, showError, nextId, button, confirm, notice } from '../../ui.js';

const STATUS_KIND = { on: 'ok', off: 'off', comm_error: 'bad', station_failure: 'bad', unknown: 'warn' };

// A device's communication status (ACQ-4) as the manual's symbols say it.
export function statusBadge(status) {
	const b = badge(t(`sys.status.${status}`), STATUS_KIND[status] || '');
	b.dataset.status = status;
	return b;
}

export function onOffBadge(enabled) {
	const b = badge(enabled ? t('sys.on') : t('sys.off'), enabled ? 'ok' : 'off');
	b.dataset.enabled = String(enabled);
	return b;
}

// The result of a gateway's or device's Test (INS-5): ok with the round
// trip, or what went wrong in the server's words.
function outcomeView(result) {
	const ok = result.outcome === 'ok';
	const label = t(`sys.outcome.${result.outcome}`);
	const parts = [badge(label, ok ? 'ok' : 'bad')];
	if (ok && result.round_trip_ms !== null) {
		parts.push(' ', t('sys.round_trip', { ms: num(result.round_trip_ms, 1) }));
	} else if (result.message) {
		parts.push(' ', result.message);
	}
	if (result.exception_code !== null && result.exception_code !== undefined) {
		parts.push(' ', t('sys.exception_code', { code: result.exception_code }));
	}
	return h('span', { class: 'sys-outcome', dataset: { outcome: result.outcome } }, parts);
}

// A live region next to a Test button; run() fills it with the outcome.
export function testSlot() {
	const out = h('output', { class: 'sys-test-result', 'aria-live': 'polite' });
	return {
		el: out,
		busy() {
			clear(out, h('span', { class: 'loading' }, t('sys.testing')));
			delete out.dataset.outcome;
		},
		show(result) {
			clear(out, outcomeView(result));
			out.dataset.outcome = result.outcome;
		},
		fail(err) {
			clear(out, badge(t('sys.outcome.error'), 'bad'), ' ', err.message);
			out.dataset.outcome = 'error';
		},
	};
}

// Runs fn with the button disabled, so a slow device cannot be asked twice.
export async function busy(button, fn) {
	button.disabled = true;
	button.setAttribute('aria-busy', 'true');
	try {
		return await fn();
	} finally {
		button.disabled = false;
		button.removeAttribute('aria-busy');
	}
}

// A Delete button that asks first, deletes `path`, then calls done(); a
// refusal (a predefined load, a tariff in use) is shown in `refusal`.
export function deleteButton({ question, path, refusal, done, ariaLabel }) {
	const del = button(
		t('ui.delete'),
		async () => {
			refusal.clear();
			if (!(await confirm(question, { okLabel: t('ui.delete') }))) {
				return;
			}
			await busy(del, async () => {
				try {
					await api.del(path);
					notice(t('ui.deleted'));
					await done();
				} catch (err) {
					refusal.show(err);
				}
			});
		},
		'small'
	);
	del.dataset.action = 'delete';
	del.setAttribute('aria-label', ariaLabel);
	return del;
}

// An alert box that shows the server's refusal where the user acted (a
// list's Delete, ON/OFF …) instead of a toast that disappears.
export function refusalBox() {
	const box = h('p', { class: 'form-error sys-refusal', role: 'alert', hidden: true });
	return {
		el: box,
		show(err) {
			box.textContent = plainMessage(err);
			box.dataset.code = err.code || '';
			box.hidden = false;
		},
		clear() {
			box.hidden = true;
			box.textContent = '';
		},
	};
}

// showError for a refusal of the server, whose error.field is the name of
// the request's field, which is the form field's name. Next to its field
// the message drops the field's name the server puts first ("address: 300
// is outside 1-247"); elsewhere showError puts it back once.
export function showFieldError(form, err) {
	showError(form, { ...err, message: plainMessage(err) }, err.field);
}

function plainMessage(err) {
	const m = err.message || '';
	if (!err.field || !m.startsWith(`${err.field}: `)) {
		return m;
	}
	const rest = m.slice(err.field.length + 2);
	return rest.charAt(0).toUpperCase() + rest.slice(1);
}

export function fieldset(legend, ...children) {
	return h('fieldset', { class: 'sys-group' }, h('legend', {}, legend), children);
}

// Secondary tabs inside a view (e.g. electricity / gas / water).
export function subTabs(items, active, label) {
	const nav = tabs(items, active);
	nav.classList.add('sys-subtabs');
	nav.setAttribute('aria-label', label);
	return nav;
}

// A section with a heading and actions on the right.
export function section(title, actions, ...body) {
	const id = nextId('sec');
	return h(
		'section',
		{ class: 'card sys-section', 'aria-labelledby': id },
		h('div', { class: 'sys-section-head' }, h('h2', { id }, title), h('div', { class: 'actions' }, actions)),
		body
	);
}

// Money prices keep their decimals (0.1875 is not 0.19).
export function priceText(price, currency, unit) {
	if (price === null || price === undefined) {
		return '–';
	}
	const decimals = (String(price).split('.')[1] || '').length;
	return t('sys.price_per', { price: num(price, Math.min(6, Math.max(2, decimals))), currency, unit });
}

export function commodityUnit(commodity) {
	return commodity === 'electricity' ? 'kWh' : 'm³';
}

export async function saveSetting(name, value) {
	await api.put('/settings', { name, value: String(value) });
}

// id → object of a list the API returns.
export function byId(list) {
	return new Map(list.map((x) => [x.id, x]));
}

export function swatch(color) {
	const s = h('span', { class: 'swatch', 'aria-hidden': 'true' });
	// The CSP allows colours through the CSSOM, not through style="".
	s.style.backgroundColor = color;
	return s;
}

// Rows carry their object's id so tests and follow-up code find them.
export function markRows(tableEl, rows, key) {
	const body = tableEl.tBodies?.[0];
	if (!body) {
		return;
	}
	rows.forEach((r, i) => {
		body.rows[i].dataset[key] = r.id;
	});
}

// A Test button's round trip into its slot.
export async function runTest(b, slot, path) {
	slot.busy();
	await busy(b, async () => {
		try {
			slot.show(await api.post(path));
		} catch (err) {
			slot.fail(err);
		}
	});
}

export function backLink(ctx, path, label) {
	return h('p', { class: 'sys-back' }, h('a', { href: ctx.href(path) }, '← ', label));
}

// A calendar date of the API (YYYY-MM-DD) in the display language; no
// time zone can move it to another day.
export function dateOnly(s, everyYear = false) {
	const [y, m, d] = s.split('-').map(Number);
	const opts = everyYear ? { day: 'numeric', month: 'long', timeZone: 'UTC' } : { dateStyle: 'medium', timeZone: 'UTC' };
	return new Intl.DateTimeFormat(language(), opts).format(new Date(Date.UTC(y, m - 1, d)));
}

// Draws a view again after a change, unless the user has gone to another
// page meanwhile (the shell's <main> is shared by every page).
export async function again(ctx, draw) {
	if (ctx.current()) {
		await draw();
	}
}
