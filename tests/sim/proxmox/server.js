// The Proxmox VE API simulator: an HTTPS (or HTTP) server on loopback that answers
// /api2/json/... like pveproxy, over a simulated cluster (state.js).
//
// One request goes: fault injection (knobs: latency, 500s, no answer, lost answer) ->
// route against the official schema (501 for unknown paths) -> authentication (API
// token header, or ticket cookie + CSRF header on writes; failures answered 401 after
// ~3 s like pveproxy) -> parameters decoded the way Proxmox decodes them (pairs split on
// '&' and ';', a second '=' cuts the value, '+' is a space, query wins over body, a body
// on GET/DELETE is a 501) -> schema validation (400 + errors map) -> the schema's
// permission check (403) -> the handler. Errors carry the reason phrase and, from
// pve-http-server 5.2.0 (knob messageField), "message" in the body; every answer >= 400
// closes the connection. Counters per endpoint and per VM let tests assert exactly
// which calls were made; /_sim/... is the control endpoint (counters, knobs, reset,
// state), unauthenticated and loopback only.
'use strict';

const http = require('node:http');
const https = require('node:https');

const { Cluster, PveError, DEFAULT_KNOBS } = require('./state');
const { load } = require('./schema');

const HANDLERS = {
	...require('./handlers_cluster').handlers,
	...require('./handlers_qemu').handlers,
	...require('./handlers_vm_extra').handlers,
};

const NO_AUTH = new Set(['POST /access/ticket']);
const MAX_BODY = 1 << 20;

// Proxmox's own x-www-form-urlencoded decoder (pve-http-server decode_urlencoded).
function decodeForm(text) {
	const out = {};
	if (!text) return out;
	const unescape = (s) => {
		const bytes = s.replace(/\+/g, ' ').replace(/%([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
		return Buffer.from(bytes, 'latin1').toString('utf8');
	};
	for (const kv of text.split(/[&;]/)) {
		const parts = kv.split('=');
		const k = unescape(parts[0] || '');
		let v = parts.length > 1 ? unescape(parts[1]) : undefined; // a second '=' and what follows are lost
		if (v !== undefined && out[k] !== undefined) v = `${out[k]}\0${v}`;
		out[k] = v;
	}
	return out;
}

function reasonOf(text) {
	return String(text).split('\n')[0].replace(/[^\t\x20-\x7e]/g, ' ').slice(0, 200) || 'Error';
}

class ProxmoxSim {
	constructor(options = {}) {
		this.options = options;
		this.cluster = options.cluster || new Cluster({ knobs: options.knobs, topology: options.topology });
		this.counters = { total: 0, endpoints: {}, vms: {} };
		this.log = [];
		this.server = null;
	}

	get knobs() {
		return this.cluster.knobs;
	}

	setKnobs(k) {
		const versionChanged = k.version !== undefined && Number(k.version) !== Number(this.cluster.knobs.version);
		Object.assign(this.cluster.knobs, k);
		if (versionChanged) this.cluster.schema = load(this.cluster.knobs.version);
	}

	reset(options = {}) {
		const fp = this.cluster.fingerprint;
		this.cluster = new Cluster({ knobs: { ...DEFAULT_KNOBS, ...(this.options.knobs || {}), ...(options.knobs || {}) }, topology: options.topology || this.options.topology, fingerprint: fp });
		this.resetCounters();
	}

	resetCounters() {
		this.counters = { total: 0, endpoints: {}, vms: {} };
		this.log = [];
	}

	count(method, schemaPath, vmid) {
		const key = `${method} ${schemaPath}`;
		this.counters.total++;
		this.counters.endpoints[key] = (this.counters.endpoints[key] || 0) + 1;
		if (vmid !== undefined) {
			const v = (this.counters.vms[vmid] ||= {});
			v[key] = (v[key] || 0) + 1;
		}
	}

	calls(method, schemaPath) {
		return this.counters.endpoints[`${method} ${schemaPath}`] || 0;
	}

	async start({ tls = true, port = 0, host = '127.0.0.1' } = {}) {
		const handler = (req, res) => this.handle(req, res).catch((err) => {
			if (!res.headersSent) this.send(res, 500, { message: `simulator bug: ${err.stack || err}` });
		});
		if (tls) {
			const { certificate } = require('../lib/tls');
			this.tls = certificate(this.options.certName || 'proxmox');
			this.cluster.fingerprint = this.tls.fingerprint;
			this.server = https.createServer({ key: this.tls.key, cert: this.tls.cert }, handler);
		} else {
			this.server = http.createServer(handler);
		}
		this.server.keepAliveTimeout = 30000;
		this.server.headersTimeout = 35000;
		this.server.maxConnections = 4096;
		this.sockets = new Set();
		this.server.on('connection', (s) => {
			this.sockets.add(s);
			s.on('close', () => this.sockets.delete(s));
		});
		await new Promise((resolve) => this.server.listen(port, host, resolve));
		this.port = this.server.address().port;
		this.url = `${tls ? 'https' : 'http'}://${host}:${this.port}`;
		return this;
	}

	async close() {
		if (!this.server) return;
		for (const s of this.sockets) s.destroy();
		await new Promise((resolve) => this.server.close(resolve));
		this.server = null;
	}

	send(res, status, { data = null, errors = null, message = null, total, empty = false, reason } = {}) {
		res.statusCode = status;
		res.statusMessage = reason || (status === 200 ? 'OK' : reasonOf(message || 'Error'));
		res.setHeader('Server', 'pve-api-daemon/3.0');
		res.setHeader('Cache-Control', 'max-age=0');
		res.setHeader('Pragma', 'no-cache');
		res.setHeader('Expires', new Date().toUTCString());
		if (status >= 400) res.setHeader('Connection', 'close');
		if (empty) {
			res.end();
			return;
		}
		const body = { data };
		if (errors) body.errors = errors;
		if (status >= 400 && message && this.cluster.knobs.messageField) body.message = `${message}\n`;
		if (total !== undefined) body.total = total;
		res.setHeader('Content-Type', 'application/json;charset=UTF-8');
		res.end(JSON.stringify(body));
	}

	readBody(req) {
		return new Promise((resolve, reject) => {
			const chunks = [];
			let size = 0;
			req.on('data', (c) => {
				size += c.length;
				if (size > MAX_BODY) reject(new PveError(413, 'Request Entity Too Large'));
				else chunks.push(c);
			});
			req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
			req.on('error', reject);
		});
	}

	// Identity of the request, or throws a 401 error flagged for the delay.
	authenticate(req, method) {
		const c = this.cluster;
		const cookie = /(?:^|;\s*)PVEAuthCookie=([^;]*)/.exec(req.headers.cookie || '');
		const authz = req.headers.authorization || '';
		const authTicket = /(?:^|\s)PVEAuthCookie=([^;\s]*)/.exec(authz);
		const ticketText = cookie ? decodeURIComponent(cookie[1]) : authTicket ? decodeURIComponent(authTicket[1]) : null;
		const unauthorized = (text, delayed = true) => {
			const e = new PveError(401, text);
			e.delayed = delayed;
			return e;
		};
		if (ticketText) {
			const t = c.tickets.get(ticketText);
			if (!t || t.expires < c.now()) throw unauthorized('Authentication failed!');
			if (method !== 'GET' && req.headers.csrfpreventiontoken !== t.csrf)
				throw unauthorized('Permission denied - invalid csrf token', false);
			const who = c.identities.get(t.user);
			return { who, user: t.user };
		}
		const m = /(?:^|\s)PVEAPIToken(?:=| )([^;]*)/.exec(authz);
		if (m) {
			let value;
			try {
				value = decodeURIComponent(m[1].trim());
			} catch {
				throw unauthorized('Authentication failed!');
			}
			const split = /^(.*)=(.*)$/.exec(value); // the secret is after the last '='
			const who = split && c.identities.get(split[1]);
			if (!who || !who.token || who.secret !== split[2]) throw unauthorized('Authentication failed!');
			return { who, user: who.id, token: true };
		}
		throw unauthorized('No ticket', false);
	}

	async control(req, res, url) {
		const body = req.method === 'POST' ? await this.readBody(req) : '';
		const json = body ? JSON.parse(body) : {};
		const reply = (obj) => {
			res.setHeader('Content-Type', 'application/json');
			res.end(JSON.stringify(obj));
		};
		const p = url.pathname;
		if (p === '/_sim/counters') return reply(this.counters);
		if (p === '/_sim/counters/reset') return reply((this.resetCounters(), {}));
		if (p === '/_sim/knobs' && req.method === 'POST') return reply((this.setKnobs(json), this.knobs));
		if (p === '/_sim/knobs') return reply(this.knobs);
		if (p === '/_sim/reset') return reply((this.reset(json), {}));
		if (p === '/_sim/log') return reply(this.log);
		const vm = /^\/_sim\/vm\/(\d+)$/.exec(p);
		if (vm) {
			this.cluster.settle();
			const v = this.cluster.vms.get(Number(vm[1]));
			return reply(v ? { vmid: v.vmid, node: v.node, status: v.status, config: v.config, snapshots: [...v.snapshots.keys()],
				firewall: { options: v.firewall.options, ipsets: Object.fromEntries([...v.firewall.ipsets].map(([n, s]) => [n, [...s.entries.keys()]])), rules: v.firewall.rules } } : null);
		}
		res.statusCode = 404;
		return reply({ error: 'unknown control path' });
	}

	async handle(req, res) {
		const url = new URL(req.url, 'http://sim');
		if (url.pathname.startsWith('/_sim/')) return this.control(req, res, url);
		const k = this.cluster.knobs;
		const method = req.method;
		const bodyText = await this.readBody(req);
		if (k.timeoutRate > 0 && Math.random() < k.timeoutRate) {
			// never answer; the client must give up (the socket dies with the server)
			this.log.push({ method, path: url.pathname, fault: 'timeout' });
			return;
		}
		if (k.latencyMs > 0) await new Promise((r) => setTimeout(r, k.latencyMs));
		if (k.error500Rate > 0 && Math.random() < k.error500Rate) {
			this.log.push({ method, path: url.pathname, fault: '500' });
			return this.send(res, 500, { message: 'simulated internal error (knob error500Rate)' });
		}

		const rawPath = url.pathname.replace(/^\/api2\/json(?=\/)/, '');
		if (rawPath === url.pathname) return this.send(res, 501, { message: `Method '${method} ${url.pathname}' not implemented` });
		const route = this.cluster.schema.route(rawPath);
		const info = route && this.cluster.schema.method(route.path, method);
		const handler = route && HANDLERS[`${method} ${route.path}`];
		if (!info || !handler) return this.send(res, 501, { message: `Method '${method} ${rawPath}' not implemented` });

		let ctx;
		try {
			let auth = { who: null, user: 'root@pam' };
			const tokenSent = /PVEAPIToken/.test(req.headers.authorization || '');
			if (!NO_AUTH.has(`${method} ${route.path}`) || tokenSent) auth = this.authenticate(req, method);
			if (auth.token && info.allowtoken === 0)
				throw new PveError(403, `Permission check failed (URI '${rawPath}' not available with API token, need proper ticket.)`);

			// parameters: query, then body (form or JSON); the query wins
			if ((method === 'GET' || method === 'DELETE') && bodyText.length)
				throw new PveError(501, `Unexpected content for method '${method}'`);
			const query = decodeForm(url.search.slice(1));
			let body = {};
			let fromJson = false;
			if (bodyText.length) {
				if (/^application\/json/i.test(req.headers['content-type'] || '')) {
					try {
						body = JSON.parse(bodyText);
					} catch {
						throw new PveError(400, 'Parameter verification failed.', { _root: 'unable to parse JSON body' });
					}
					fromJson = true;
				} else body = decodeForm(bodyText);
			}
			const params = { ...body, ...query };
			const dup = {};
			for (const [n, v] of Object.entries(route.params)) {
				if (params[n] !== undefined && String(params[n]) !== v) dup[n] = 'duplicate parameter (already defined in URI) with conflicting values!';
				params[n] = v;
			}
			if (Object.keys(dup).length) throw new PveError(400, 'Parameter verification failed.', dup);
			const { errors, values } = this.cluster.schema.validate(route.path, method, params, fromJson && !Object.keys(query).length);
			if (Object.keys(errors).length) throw new PveError(400, 'Parameter verification failed.', errors);
			const denied = this.cluster.check(auth.who, info.permissions?.check, values);
			if (denied) throw new PveError(403, `Permission check failed (${denied})`);

			this.cluster.settle();
			this.count(method, route.path, values.vmid);
			this.log.push({ method, path: route.path, vmid: values.vmid, params: values });
			if (this.log.length > 2000) this.log.splice(0, 1000);
			ctx = { cluster: this.cluster, p: values, who: auth.who, user: auth.user };
			const data = handler(ctx);
			if (k.lostAnswerRate > 0 && Math.random() < k.lostAnswerRate) {
				// done on the server, but the client never hears of it
				this.log.push({ method, path: route.path, fault: 'lost-answer' });
				req.socket.destroy();
				return;
			}
			return this.send(res, 200, { data: data === undefined ? null : data, total: ctx.total });
		} catch (err) {
			if (!(err instanceof PveError) && !err.status) throw err;
			if (err.status === 401) {
				// pveproxy answers failed authentication only after a pause
				if (err.delayed !== false && k.authFailDelayMs > 0) await new Promise((r) => setTimeout(r, k.authFailDelayMs));
				if (`${method} ${route.path}` === 'POST /access/ticket') return this.send(res, 401, { message: err.message });
				return this.send(res, 401, { empty: true, reason: err.message });
			}
			return this.send(res, err.status, { message: err.message, errors: err.errors });
		}
	}
}

async function startSim(options = {}) {
	const sim = new ProxmoxSim(options);
	return sim.start({ tls: options.tls !== false, port: options.port || 0 });
}

module.exports = { ProxmoxSim, startSim, decodeForm };
