// The Proxmox VE API simulator: answers /api2/json/... like pveproxy, over a simulated
// cluster (state.js), on the foundation's simulator base (tests/sim/lib/base.js: HTTPS
// on loopback, latency and fault injection, connection counters, /__sim control).
//
// One request goes: fault injection (knobs: latency, 500s, no answer, lost answer, set
// as the base's rules) ->
// route against the official schema (501 for unknown paths) -> authentication (API
// token header, or ticket cookie + CSRF header on writes; failures answered 401 after
// ~3 s like pveproxy) -> parameters decoded the way Proxmox decodes them (pairs split on
// '&' and ';', a second '=' cuts the value, '+' is a space, query wins over body, a body
// on GET/DELETE is a 501) -> schema validation (400 + errors map) -> the schema's
// permission check (403) -> the handler. Errors carry the reason phrase and, from
// pve-http-server 5.2.0 (knob messageField), "message" in the body; every answer >= 400
// closes the connection. Counters per endpoint and per VM let tests assert exactly
// which calls were made; /__sim/... is the control endpoint (the base's stats, log,
// faults, latency, plus counters, knobs, cluster/reset, vm?vmid=N, vms - every VM - and
// starts - every task-starting call with the X-PuqKvm-Intent header it carried),
// unauthenticated and loopback only.
'use strict';

const { Simulator } = require('../lib/base');
const { Cluster, PveError, DEFAULT_KNOBS } = require('./state');
const { load } = require('./schema');

const HANDLERS = {
	...require('./handlers_cluster').handlers,
	...require('./handlers_qemu').handlers,
	...require('./handlers_vm_extra').handlers,
};

const NO_AUTH = new Set(['POST /access/ticket']);

// Calls that start a task a client must never send twice for one intent (DESIGN.md
// principle 3); each is recorded in /__sim/starts with the X-PuqKvm-Intent it carried.
const START_CALLS = new Set(['POST /nodes/{node}/qemu/{vmid}/clone', 'POST /nodes/{node}/qemu/{vmid}/migrate',
	'DELETE /nodes/{node}/qemu/{vmid}', 'POST /nodes/{node}/qemu', 'POST /nodes/{node}/vzdump']);

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
		this.starts = [];
		// the foundation's simulator base serves, injects latency and faults, and keeps
		// connection counters and its /__sim control; Proxmox's own protocol is here
		const tls = options.tls !== false;
		this.base = new Simulator({ name: 'proxmox', tls: tls ? { name: options.certName || 'proxmox' } : false,
			port: options.port || 0, logLimit: 2000,
			notFound: (ctx) => this.reply(501, { message: `Method '${ctx.method} ${ctx.path}' not implemented` }) });
		this.base.route('*', /^\/api2\/json\//, (ctx) => this.api(ctx));
		this.base.control('GET', 'counters', () => ({ json: this.counters }));
		this.base.control('POST', 'counters/reset', () => ({ json: (this.resetCounters(), {}) }));
		this.base.control('GET', 'knobs', () => ({ json: this.knobs }));
		this.base.control('POST', 'knobs', (ctx) => ({ json: (this.setKnobs(ctx.body || {}), this.knobs) }));
		this.base.control('POST', 'cluster/reset', (ctx) => ({ json: (this.reset(ctx.body || {}), {}) }));
		this.base.control('GET', 'vm', (ctx) => ({ json: this.vmState(Number(ctx.query.vmid)) }));
		this.base.control('GET', 'vms', () => ({ json: this.vmList() }));
		this.base.control('GET', 'starts', () => ({ json: this.starts }));
		this.applyFaultKnobs();
	}

	get knobs() {
		return this.cluster.knobs;
	}

	get url() {
		return this.base.url();
	}

	get port() {
		return this.base.port;
	}

	setKnobs(k) {
		const versionChanged = k.version !== undefined && Number(k.version) !== Number(this.cluster.knobs.version);
		Object.assign(this.cluster.knobs, k);
		if (versionChanged) this.cluster.schema = load(this.cluster.knobs.version);
		this.applyFaultKnobs();
	}

	// The transport knobs become the base's latency and fault rules.
	applyFaultKnobs() {
		const k = this.cluster.knobs;
		const api = '*';
		this.base.clearLatency();
		if (k.latencyMs > 0) this.base.setLatency({ fixed_ms: k.latencyMs, route: api });
		const faults = [];
		if (k.timeoutRate > 0) faults.push({ kind: 'timeout', probability: k.timeoutRate });
		if (k.error500Rate > 0) {
			const message = 'simulated internal error (knob error500Rate)';
			faults.push({ kind: 'status', status: 500, probability: k.error500Rate, reason: message, close: true,
				json: k.messageField ? { data: null, message: `${message}\n` } : { data: null } });
		}
		if (k.lostAnswerRate > 0) faults.push({ kind: 'lost', probability: k.lostAnswerRate });
		this.base.setFaults(faults);
	}

	reset(options = {}) {
		const fp = this.cluster.fingerprint;
		this.cluster = new Cluster({ knobs: { ...DEFAULT_KNOBS, ...(this.options.knobs || {}), ...(options.knobs || {}) },
			topology: options.topology || this.options.topology, fingerprint: fp });
		this.base.reset();
		this.applyFaultKnobs();
		this.resetCounters();
	}

	resetCounters() {
		this.counters = { total: 0, endpoints: {}, vms: {} };
		this.log = [];
		this.starts = [];
	}

	// A task-starting call that reached the API (faults injected before it never do):
	// what it asked, the intent id it carried, and what came of it.
	recordStart(bctx, method, path, values, status, data, error) {
		if (!START_CALLS.has(`${method} ${path}`) && !bctx.headers['x-puqkvm-intent']) return;
		this.starts.push({ seq: this.starts.length + 1, time: new Date().toISOString(), method, path,
			node: values.node, vmid: values.vmid, newid: values.newid, target: values.target,
			intent: bctx.headers['x-puqkvm-intent'] || null, status,
			upid: typeof data === 'string' && data.startsWith('UPID:') ? data : null, error: error || null });
		if (this.starts.length > 200000) this.starts.splice(0, 100000);
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

	// Every VM and template of the cluster, for checks that nothing was left behind.
	vmList() {
		this.cluster.settle();
		return [...this.cluster.vms.values()].map((v) => ({ vmid: v.vmid, node: v.node, name: v.config.name || '',
			template: !!v.config.template, status: v.status, lock: v.config.lock || null }));
	}

	vmState(vmid) {
		this.cluster.settle();
		const v = this.cluster.vms.get(vmid);
		return v ? { vmid: v.vmid, node: v.node, status: v.status, config: v.config, snapshots: [...v.snapshots.keys()],
			guestPasswords: v.guestPasswords || {},
			firewall: { options: v.firewall.options, ipsets: Object.fromEntries([...v.firewall.ipsets].map(([n, st]) => [n, [...st.entries.keys()]])),
				rules: v.firewall.rules } } : null;
	}

	async start() {
		const info = await this.base.start();
		if (info.certPath) {
			const { certificate } = require('../lib/tls');
			this.tls = certificate(this.options.certName || 'proxmox');
			this.cluster.fingerprint = this.tls.fingerprint;
		}
		return this;
	}

	close() {
		return this.base.stop();
	}

	// A base reply in pveproxy's form: reason phrase, headers, {"data": ...} envelope.
	reply(status, { data = null, errors = null, message = null, total, empty = false, reason } = {}) {
		const headers = { server: 'pve-api-daemon/3.0', 'cache-control': 'max-age=0', pragma: 'no-cache',
			expires: new Date().toUTCString() };
		const out = { status, reason: reason || (status === 200 ? 'OK' : reasonOf(message || 'Error')), headers,
			close: status >= 400 };
		if (empty) {
			out.body = '';
			return out;
		}
		const body = { data };
		if (errors) body.errors = errors;
		if (status >= 400 && message && this.cluster.knobs.messageField) body.message = `${message}\n`;
		if (total !== undefined) body.total = total;
		out.json = body;
		return out;
	}

	// Identity of the request, or throws a 401 error flagged for the delay.
	authenticate(headers, method) {
		const c = this.cluster;
		const cookie = /(?:^|;\s*)PVEAuthCookie=([^;]*)/.exec(headers.cookie || '');
		const authz = headers.authorization || '';
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
			if (method !== 'GET' && headers.csrfpreventiontoken !== t.csrf)
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

	async api(bctx) {
		const k = this.cluster.knobs;
		const method = bctx.method;
		if (k.resetRate > 0 && Math.random() < k.resetRate) {
			// the connection dies before anything is done (the base's "reset" fault
			// cannot reset a TLS socket, so the socket is destroyed here)
			bctx.req.socket.destroy();
			return undefined;
		}
		const url = new URL(bctx.req.url, 'http://sim');
		const bodyText = bctx.rawBody;
		const rawPath = url.pathname.replace(/^\/api2\/json(?=\/)/, '');
		const route = this.cluster.schema.route(rawPath);
		const info = route && this.cluster.schema.method(route.path, method);
		const handler = route && HANDLERS[`${method} ${route.path}`];
		if (!info || !handler) return this.reply(501, { message: `Method '${method} ${rawPath}' not implemented` });

		let started = null; // the parameters of a call that reached its handler
		try {
			let auth = { who: null, user: 'root@pam' };
			const tokenSent = /PVEAPIToken/.test(bctx.headers.authorization || '');
			if (!NO_AUTH.has(`${method} ${route.path}`) || tokenSent) auth = this.authenticate(bctx.headers, method);
			if (auth.token && info.allowtoken === 0)
				throw new PveError(403, `Permission check failed (URI '${rawPath}' not available with API token, need proper ticket.)`);

			// parameters: query, then body (form or JSON); the query wins
			if ((method === 'GET' || method === 'DELETE') && bodyText.length)
				throw new PveError(501, `Unexpected content for method '${method}'`);
			const query = decodeForm(url.search.slice(1));
			let body = {};
			let fromJson = false;
			if (bodyText.length) {
				if (/^application\/json/i.test(bctx.headers['content-type'] || '')) {
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
			const ctx = { cluster: this.cluster, p: values, who: auth.who, user: auth.user };
			started = values;
			const data = handler(ctx);
			this.recordStart(bctx, method, route.path, values, 200, data, null);
			return this.reply(200, { data: data === undefined ? null : data, total: ctx.total });
		} catch (err) {
			if (!(err instanceof PveError) && !err.status) throw err;
			if (started) this.recordStart(bctx, method, route.path, started, err.status, null, err.message);
			if (err.status === 401) {
				// pveproxy answers failed authentication only after a pause
				if (err.delayed !== false && k.authFailDelayMs > 0) await new Promise((r) => setTimeout(r, k.authFailDelayMs));
				if (`${method} ${route.path}` === 'POST /access/ticket') return this.reply(401, { message: err.message });
				return this.reply(401, { empty: true, reason: err.message });
			}
			return this.reply(err.status, { message: err.message, errors: err.errors });
		}
	}
}

async function startSim(options = {}) {
	return new ProxmoxSim(options).start();
}

module.exports = { ProxmoxSim, startSim, decodeForm };
