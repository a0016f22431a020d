// A small HTTP client for the simulator's tests: raw control over the body (so a test
// can send exactly what a naive client would), the default token, the simulator's CA.
'use strict';

const http = require('node:http');
const https = require('node:https');

const TOKEN = 'automation@pve!ci=6f0c4d1e-9a7b-4c2e-8d55-3f1a2b3c4d5e';

// A correctly encoded form body: every value percent-encoded.
function form(params) {
	return Object.entries(params).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

// request(sim, method, path, {form, raw, json, query, token, headers}) -> {status, reason, headers, text, body}
function request(sim, method, path, opts = {}) {
	const u = new URL(`/api2/json${path}`, sim.url);
	if (opts.query) u.search = form(opts.query);
	const headers = { ...(opts.headers || {}) };
	if (opts.token !== null) headers.Authorization = `PVEAPIToken=${opts.token || TOKEN}`;
	let body = null;
	if (opts.json !== undefined) {
		body = JSON.stringify(opts.json);
		headers['Content-Type'] = 'application/json';
	} else if (opts.raw !== undefined || opts.form !== undefined) {
		body = opts.raw !== undefined ? opts.raw : form(opts.form);
		headers['Content-Type'] = 'application/x-www-form-urlencoded';
	}
	if (body !== null) headers['Content-Length'] = Buffer.byteLength(body);
	const lib = u.protocol === 'https:' ? https : http;
	return new Promise((resolve, reject) => {
		const req = lib.request(u, { method, headers, ca: sim.tls ? sim.tls.cert : undefined, agent: opts.agent, timeout: opts.timeout || 15000 }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let parsed = null;
				try {
					parsed = text ? JSON.parse(text) : null;
				} catch {
					parsed = null;
				}
				resolve({ status: res.statusCode, reason: res.statusMessage, headers: res.headers, text, body: parsed });
			});
		});
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', reject);
		if (body !== null) req.write(body);
		req.end();
	});
}

// Polls a task until it stops; returns its final status object.
async function waitTask(sim, upid, ms = 10000) {
	const node = upid.split(':')[1];
	const end = Date.now() + ms;
	for (;;) {
		const r = await request(sim, 'GET', `/nodes/${node}/tasks/${encodeURIComponent(upid)}/status`);
		if (r.status !== 200) throw new Error(`task status ${r.status} ${r.reason}`);
		if (r.body.data.status === 'stopped') return r.body.data;
		if (Date.now() > end) throw new Error(`task ${upid} still running`);
		await new Promise((res) => setTimeout(res, 10));
	}
}

module.exports = { request, waitTask, form, TOKEN };
