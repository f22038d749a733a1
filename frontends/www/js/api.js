// The one way the pages talk to ewsd: JSON over /api/v1 with the session's
// CSRF token on every request that changes something. Errors become
// ApiError with the server's code, message and field, so a form can show the
// message next to the field the server named.

const BASE = '/api/v1';
let csrfToken = null;

export class ApiError extends Error {
	constructor(status, body) {
		const e = (body && body.error) || {};
		super(e.message || `HTTP ${status}`);
		this.status = status;
		this.code = e.code || 'http';
		this.field = e.field || null;
		this.retryAfter = null;
	}
}

export function setCsrf(token) {
	csrfToken = token;
}

// query: an object; undefined, null and '' values are left out.
export function url(path, query) {
	const u = new URL(BASE + path, location.origin);
	for (const [k, v] of Object.entries(query || {})) {
		if (v !== undefined && v !== null && v !== '') {
			u.searchParams.set(k, String(v));
		}
	}
	return u.pathname + u.search;
}

async function request(method, path, { query, body } = {}) {
	const headers = { Accept: 'application/json' };
	if (method !== 'GET' && csrfToken) {
		headers['X-CSRF-Token'] = csrfToken;
	}
	if (body !== undefined) {
		headers['Content-Type'] = 'application/json';
	}
	let res;
	try {
		res = await fetch(url(path, query), {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
			credentials: 'same-origin',
		});
	} catch (e) {
		const err = new ApiError(0, { error: { code: 'network', message: e.message } });
		throw err;
	}
	if (res.status === 204) {
		return null;
	}
	const type = res.headers.get('Content-Type') || '';
	const data = type.includes('json') ? await res.json().catch(() => null) : await res.text();
	if (!res.ok) {
		const err = new ApiError(res.status, data);
		err.retryAfter = Number(res.headers.get('Retry-After')) || null;
		// A session that ended (idle, revoked, server restarted) sends the
		// whole app back to the login page; login's own 401 is the caller's.
		if (res.status === 401 && path !== '/login') {
			window.dispatchEvent(new CustomEvent('ews:unauthorized'));
		}
		throw err;
	}
	return data;
}

export const api = {
	get: (path, query) => request('GET', path, { query }),
	post: (path, body, query) => request('POST', path, { body: body ?? {}, query }),
	put: (path, body) => request('PUT', path, { body }),
	del: (path) => request('DELETE', path),
	url,
};
