// The application shell: login, the navigation the user's rights allow, and
// a hash router that hands each address to its page module. Rights are
// enforced by ewsd on every route; the shell only hides what would be
// refused anyway.

import { api, setCsrf } from './api.js';
import { loadLanguage, t, LANGUAGES, language, setBrowserLanguage } from './i18n.js';
import { h, clear, loading, failure, notice } from './ui.js';
import { renderLogin } from './login.js';

// Page modules, in the manual's order. Each exports
// `default async function render(view, ctx)` and may return a cleanup.
export const PAGES = [
	{ id: 'panel', right: 'panel_board', title: 'nav.panel_board', blurb: 'home.panel_board', load: () => import('./pages/panel.js') },
	{ id: 'consumption', right: 'consumption', title: 'nav.consumption', blurb: 'home.consumption', load: () => import('./pages/consumption.js') },
	{ id: 'greenup', right: 'greenup', title: 'nav.greenup', blurb: 'home.greenup', load: () => import('./pages/greenup.js') },
	{ id: 'alarms', right: 'alarms', title: 'nav.alarms', blurb: 'home.alarms', load: () => import('./pages/alarms.js') },
	{ id: 'system', right: 'system_config', title: 'nav.system_config', blurb: 'home.system_config', load: () => import('./pages/system.js') },
	{ id: 'server', right: 'server_config', title: 'nav.server_config', blurb: 'home.server_config', load: () => import('./pages/server.js') },
];

const EXTRA = {
	'': { title: 'nav.home', load: () => import('./pages/home.js') },
	account: { title: 'nav.account', load: () => import('./pages/account.js') },
};

const root = document.getElementById('app');
const state = { session: null, settings: {}, cleanup: null, view: null };

export function allowed(pageId) {
	const page = PAGES.find((p) => p.id === pageId);
	return Boolean(page && state.session && state.session.user.pages.includes(page.right));
}

export function allowedPages() {
	return PAGES.filter((p) => allowed(p.id));
}

function parseHash() {
	const raw = decodeURIComponent(location.hash.replace(/^#\/?/, ''));
	const [path, q] = raw.split('?');
	const segments = path.split('/').filter(Boolean);
	return { segments, query: Object.fromEntries(new URLSearchParams(q || '')) };
}

// go('consumption/day', {date: '2026-03-29'}) changes the address; the
// router renders it.
export function go(path, query) {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(query || {})) {
		if (v !== undefined && v !== null && v !== '') {
			q.set(k, v);
		}
	}
	const s = q.toString();
	location.hash = `#/${path}${s ? `?${s}` : ''}`;
}

export function href(path, query) {
	const q = new URLSearchParams(Object.entries(query || {}).filter(([, v]) => v !== undefined && v !== null && v !== ''));
	const s = q.toString();
	return `#/${path}${s ? `?${s}` : ''}`;
}

async function refreshSettings() {
	state.settings = await api.get('/settings');
	return state.settings;
}

function navLinks(active) {
	const items = [{ id: '', title: 'nav.home' }, ...allowedPages()];
	return items.map((p) =>
		h('li', {}, h('a', { href: `#/${p.id}`, class: p.id === active ? 'active' : '', 'aria-current': p.id === active ? 'page' : null }, t(p.title)))
	);
}

function languagePicker() {
	const select = h(
		'select',
		{
			id: 'language',
			'aria-label': t('ui.language'),
			onchange: async (e) => {
				setBrowserLanguage(e.target.value);
				await loadLanguage(state.settings.language);
				renderShell();
			},
		},
		LANGUAGES.map((l) => h('option', { value: l.code, selected: l.code === language(), lang: l.code }, l.name))
	);
	return select;
}

function renderShell() {
	const { segments } = parseHash();
	const active = segments[0] || '';
	const user = state.session.user;
	const menuId = 'main-nav';
	const toggle = h(
		'button',
		{
			type: 'button',
			class: 'menu-toggle',
			'aria-expanded': 'false',
			'aria-controls': menuId,
			onclick: (e) => {
				const open = e.currentTarget.getAttribute('aria-expanded') !== 'true';
				e.currentTarget.setAttribute('aria-expanded', String(open));
				document.getElementById(menuId).classList.toggle('open', open);
			},
		},
		h('span', { class: 'sr-only' }, t('ui.menu')),
		'☰'
	);
	const top = h(
		'header',
		{ class: 'top' },
		toggle,
		h('a', { class: 'brand', href: '#/' }, h('img', { src: '/img/icon.svg', alt: '', width: 28, height: 28 }), h('span', {}, state.settings.site_name || t('app.name'))),
		h(
			'div',
			{ class: 'user' },
			languagePicker(),
			h('a', { href: '#/account', class: 'user-name', title: t('nav.account') }, user.name),
			h('button', { type: 'button', class: 'small', onclick: () => endSession('/logout') }, t('ui.logout')),
			h('button', { type: 'button', class: 'small', title: t('ui.lock_help'), onclick: () => endSession('/lock') }, t('ui.lock'))
		)
	);
	const nav = h('nav', { class: 'side', id: menuId, 'aria-label': t('ui.menu') }, h('ul', {}, navLinks(active)));
	const main = h('main', { id: 'main', tabindex: -1 });
	const banner = state.session.default_codes_in_use
		? h('p', { class: 'banner warn', role: 'note' }, t('ui.default_codes'), ' ', h('a', { href: '#/account' }, t('ui.change_codes')))
		: null;
	clear(root, top, h('div', { class: 'layout' }, nav, h('div', { class: 'content' }, banner, main)));
	state.view = main;
	route();
}

async function endSession(path) {
	try {
		await api.post(path);
	} catch (e) {
		notice(e.message, 'error');
	}
	state.session = null;
	setCsrf(null);
	showLogin();
}

async function route() {
	if (!state.session || !state.view) {
		return;
	}
	if (state.cleanup) {
		try {
			state.cleanup();
		} catch {
			// a page's cleanup must not stop the next page
		}
		state.cleanup = null;
	}
	const { segments, query } = parseHash();
	const id = segments[0] || '';
	for (const a of document.querySelectorAll('nav.side a')) {
		const on = a.getAttribute('href') === `#/${id}`;
		a.classList.toggle('active', on);
		a.toggleAttribute('aria-current', on);
	}
	document.getElementById('main-nav')?.classList.remove('open');
	const page = PAGES.find((p) => p.id === id) || EXTRA[id];
	const view = state.view;
	// Tests and assistive tools wait on data-ready: it must not say "ready"
	// while the next page is still loading.
	delete view.dataset.ready;
	delete view.dataset.page;
	if (!page || (page.right && !allowed(id))) {
		clear(view, h('h1', {}, t('ui.not_found')), h('p', {}, t('ui.not_found_help')), h('a', { href: '#/' }, t('nav.home')));
		view.dataset.page = 'not-found';
		view.dataset.ready = 'true';
		return;
	}
	document.title = `${t(page.title)} · ${state.settings.site_name || t('app.name')}`;
	clear(view, loading());
	const cleanups = [];
	const ctx = {
		session: state.session,
		settings: state.settings,
		timeZone: state.settings.timezone,
		currency: state.settings.currency,
		segments: segments.slice(1),
		query,
		go,
		href,
		allowed,
		refreshSettings,
		onCleanup: (fn) => cleanups.push(fn),
		// true while this page is still the one shown (for async work)
		current: () => state.view === view && location.hash === hashAtStart,
	};
	const hashAtStart = location.hash;
	state.cleanup = () => cleanups.forEach((fn) => fn());
	try {
		const mod = await page.load();
		const out = await mod.default(view, ctx);
		if (typeof out === 'function') {
			cleanups.push(out);
		}
		view.dataset.page = id || 'home';
		view.dataset.ready = 'true';
	} catch (e) {
		if (e.status !== 401) {
			clear(view, failure(e));
			view.dataset.ready = 'error';
		}
	}
}

function showLogin(message) {
	state.view = null;
	if (state.cleanup) {
		state.cleanup();
		state.cleanup = null;
	}
	renderLogin(root, {
		message,
		onLoggedIn: async (session) => {
			state.session = session;
			setCsrf(session.csrf_token);
			await refreshSettings();
			await loadLanguage(state.settings.language);
			renderShell();
		},
	});
}

async function boot() {
	await loadLanguage(null);
	try {
		const session = await api.get('/session');
		state.session = session;
		setCsrf(session.csrf_token);
		await refreshSettings();
		await loadLanguage(state.settings.language);
		renderShell();
	} catch (e) {
		if (e.status === 401) {
			showLogin();
		} else {
			clear(root, failure(e));
		}
	}
}

window.addEventListener('hashchange', route);
window.addEventListener('ews:unauthorized', () => {
	if (state.session) {
		state.session = null;
		showLogin(t('login.session_ended'));
	}
});

boot();
