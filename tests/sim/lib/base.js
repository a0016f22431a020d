// The base every HTTP simulator of puqkvm is built on (Proxmox VE, Cloudflare, HestiaCP).
//
// A Simulator is a node:http or node:https server on loopback only, event-driven so it
// holds hundreds of concurrent connections, with what tests need around the protocol:
//   - routing: sim.route('GET', '/nodes/:node/qemu', handler) - a handler gets a context
//     (method, path, params, query and body already parsed, with repeated keys as arrays)
//     and returns a reply {status, reason, headers, json | text | body, close};
//   - latency injection: a fixed delay plus uniform jitter, globally or per route;
//   - fault injection, per route with a probability, a count (one-shot faults) and a
//     number of requests to let through first: an error status with a body, a timeout
//     (never answer), "executed but answer lost" (the handler runs, then the socket is
//     destroyed) and a connection reset;
//   - counters per method+route and in total, connections opened/open/peak, requests in
//     flight now and at peak (to check a client's concurrency cap), TLS handshakes and
//     failures, and a bounded request log;
//   - a control API twice: in-process (sim.stats(), sim.addFault(...)) and over HTTP at
//     /__sim (GET stats|log|faults, POST reset|faults|latency|seed, DELETE faults), for
//     tests that run the simulator as a separate process. Control requests are never
//     counted, delayed or faulted.
// Randomness (jitter, fault probabilities) comes from a seedable generator, so a test
// that sets a seed sees the same sequence every run.
//
// Started as a process through main(), a simulator prints one JSON line on stdout,
// {"listening": port, "control": "/__sim", ...}, and stops on SIGTERM/SIGINT, or when its
// stdin closes if started with --exit-with-stdin (so it dies with a crashed parent).
'use strict';

const http = require('node:http');
const https = require('node:https');
const { certificate } = require('./tls');

const CONTROL = '/__sim';
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const FAULT_KINDS = new Set(['status', 'timeout', 'lost', 'reset']);

// mulberry32: small, fast, good enough to spread faults and jitter reproducibly
function seededRandom(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

// URLSearchParams -> plain object; a repeated key becomes an array in order.
function paramsToObject(params) {
	const out = Object.create(null);
	for (const [k, v] of params) {
		if (!(k in out)) out[k] = v;
		else if (Array.isArray(out[k])) out[k].push(v);
		else out[k] = [out[k], v];
	}
	return out;
}

function parseBody(raw, contentType) {
	const type = (contentType || '').split(';')[0].trim().toLowerCase();
	if (raw.length === 0) return { body: {} };
	const text = raw.toString('utf8');
	if (type === 'application/json' || type.endsWith('+json')) {
		try {
			return { body: JSON.parse(text) };
		} catch (err) {
			return { body: undefined, bodyError: `malformed JSON: ${err.message}` };
		}
	}
	// a body without a type is form data, as Proxmox and HestiaCP read it
	if (type === '' || type === 'application/x-www-form-urlencoded') {
		return { body: paramsToObject(new URLSearchParams(text)) };
	}
	return { body: text };
}

function compilePattern(pattern) {
	if (pattern instanceof RegExp) return { test: (p) => pattern.exec(p)?.groups ?? (pattern.test(p) ? {} : null) };
	const parts = pattern.split('/');
	const rest = parts[parts.length - 1] === '*';
	if (rest) parts.pop();
	const names = [];
	const src = parts
		.map((seg) => {
			if (seg.startsWith(':')) {
				names.push(seg.slice(1));
				return '([^/]+)';
			}
			return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		})
		.join('/');
	const re = new RegExp(`^${src}${rest ? '(?:/(.*))?' : ''}/?$`);
	return {
		test(path) {
			const m = re.exec(path);
			if (!m) return null;
			const params = {};
			names.forEach((n, i) => {
				params[n] = decodeURIComponent(m[i + 1]);
			});
			if (rest) params.rest = m[names.length + 1] ?? '';
			return params;
		},
	};
}

function sleep(ms) {
	return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

class Simulator {
	constructor(opts = {}) {
		this.name = opts.name || 'sim';
		this.host = opts.host || '127.0.0.1';
		if (!LOOPBACK.has(this.host)) throw new Error(`simulators listen on loopback only, not ${this.host}`);
		this.requestedPort = opts.port ?? 0;
		this.tls = opts.tls ? (opts.tls === true ? {} : opts.tls) : null;
		this.logLimit = opts.logLimit ?? 10000;
		this.bodyLimit = opts.bodyLimit ?? 16 * 1024 * 1024;
		this.notFound =
			opts.notFound ||
			((ctx) => ({ status: 404, json: { error: `no route for ${ctx.method} ${ctx.path}` } }));
		this.routes = [];
		this.controls = new Map();
		this.server = null;
		this.port = null;
		this.fingerprint = null;
		this.certPath = null;
		this.sockets = new Set();
		this.setSeed(opts.seed ?? null);
		this.reset();
	}

	// ---- routing ------------------------------------------------------------------------

	// method: 'GET', ['GET','POST'] or '*'; pattern: '/a/:id/b', '/files/*' or a RegExp.
	route(method, pattern, handler) {
		const methods = method === '*' ? null : new Set([].concat(method).map((m) => m.toUpperCase()));
		const key = pattern instanceof RegExp ? pattern.source : pattern;
		this.routes.push({ methods, key, matcher: compilePattern(pattern), handler });
		return this;
	}
	get(p, h) { return this.route('GET', p, h); }
	post(p, h) { return this.route('POST', p, h); }
	put(p, h) { return this.route('PUT', p, h); }
	patch(p, h) { return this.route('PATCH', p, h); }
	delete(p, h) { return this.route('DELETE', p, h); }

	// An extra control endpoint, /__sim/<name>: handler(ctx) like a route's, not counted.
	control(method, name, handler) {
		this.controls.set(`${method.toUpperCase()} ${name}`, handler);
		return this;
	}

	match(method, path) {
		for (const r of this.routes) {
			if (r.methods && !r.methods.has(method)) continue;
			const params = r.matcher.test(path);
			if (params) return { route: r, params, key: `${method} ${r.key}` };
		}
		return null;
	}

	// ---- state: counters, log, faults, latency ---------------------------------------------

	reset() {
		const open = this.sockets ? this.sockets.size : 0;
		this.counters = {
			requests: { total: 0, unmatched: 0, by_route: {} },
			connections: { opened: 0, open, max_open: open, served: 0 },
			inflight: { now: this.counters?.inflight.now ?? 0, max: 0 },
			tls: { handshakes: 0, failures: 0 },
			faults: { status: 0, timeout: 0, lost: 0, reset: 0 },
		};
		this.inflight = this.counters.inflight.now;
		this.served = new WeakSet();
		this.entries = [];
		this.seq = 0;
		this.faultList = [];
		this.latencyRules = new Map();
		if (this.seed !== null && this.seed !== undefined) this.random = seededRandom(this.seed);
	}

	setSeed(seed) {
		this.seed = seed;
		this.random = seed === null || seed === undefined ? Math.random : seededRandom(seed);
	}

	stats() {
		return JSON.parse(JSON.stringify({ ...this.counters, log_size: this.entries.length }));
	}

	log({ limit, route } = {}) {
		let list = route ? this.entries.filter((e) => e.route === route) : this.entries;
		if (limit) list = list.slice(-limit);
		return list.map((e) => ({ ...e }));
	}

	// fault: {kind, route?, status?, json?|text?|body?, reason?, headers?, probability?,
	// times?, after?}; route is '*', 'METHOD /pattern' or '/pattern' (any method).
	addFault(fault) {
		if (!FAULT_KINDS.has(fault.kind)) throw new Error(`unknown fault kind: ${fault.kind}`);
		const f = {
			route: '*',
			probability: 1,
			times: null,
			after: 0,
			...fault,
			seen: 0,
			fired: 0,
		};
		if (f.kind === 'status' && !f.status) f.status = 500;
		this.faultList.push(f);
		return this;
	}
	setFaults(list) {
		this.faultList = [];
		for (const f of [].concat(list || [])) this.addFault(f);
		return this;
	}
	clearFaults() {
		return this.setFaults([]);
	}
	faults() {
		return this.faultList.map((f) => ({ ...f }));
	}

	// {fixed_ms, jitter_ms, route='*'}; a route's own rule wins over '*'.
	setLatency({ fixed_ms = 0, jitter_ms = 0, route = '*' } = {}) {
		if (fixed_ms === 0 && jitter_ms === 0) this.latencyRules.delete(route);
		else this.latencyRules.set(route, { fixed_ms, jitter_ms });
		return this;
	}
	clearLatency() {
		this.latencyRules.clear();
		return this;
	}

	pickLatency(routeKey, pattern) {
		const rule =
			(routeKey && this.latencyRules.get(routeKey)) ||
			(pattern && this.latencyRules.get(pattern)) ||
			this.latencyRules.get('*');
		if (!rule) return 0;
		return Math.round(rule.fixed_ms + (rule.jitter_ms ? this.random() * rule.jitter_ms : 0));
	}

	pickFault(routeKey, pattern) {
		for (const f of this.faultList) {
			if (f.route !== '*' && f.route !== routeKey && f.route !== pattern) continue;
			if (f.times !== null && f.fired >= f.times) continue;
			f.seen++;
			if (f.seen <= f.after) continue;
			if (f.probability < 1 && this.random() >= f.probability) continue;
			f.fired++;
			this.counters.faults[f.kind]++;
			return f;
		}
		return null;
	}

	// ---- serving --------------------------------------------------------------------------

	send(res, reply) {
		if (res.headersSent || res.destroyed) return;
		const headers = { ...(reply.headers || {}) };
		let body;
		if ('json' in reply) {
			body = JSON.stringify(reply.json);
			headers['content-type'] ??= 'application/json;charset=UTF-8';
		} else if ('text' in reply) {
			body = String(reply.text);
			headers['content-type'] ??= 'text/plain;charset=UTF-8';
		} else {
			body = reply.body ?? '';
		}
		headers['content-length'] = Buffer.byteLength(body);
		if (reply.close) headers.connection = 'close';
		const status = reply.status ?? 200;
		if (reply.reason) res.writeHead(status, reply.reason, headers);
		else res.writeHead(status, headers);
		res.end(body);
	}

	readBody(req) {
		return new Promise((resolve, reject) => {
			const chunks = [];
			let size = 0;
			req.on('data', (c) => {
				size += c.length;
				if (size > this.bodyLimit) {
					reject(Object.assign(new Error('body too large'), { status: 413 }));
					req.destroy();
					return;
				}
				chunks.push(c);
			});
			req.on('end', () => resolve(Buffer.concat(chunks)));
			req.on('error', reject);
		});
	}

	async context(req, url) {
		const raw = await this.readBody(req);
		const { body, bodyError } = parseBody(raw, req.headers['content-type']);
		return {
			sim: this,
			req,
			method: req.method,
			path: url.pathname,
			query: paramsToObject(url.searchParams),
			headers: req.headers,
			rawBody: raw.toString('utf8'),
			body,
			bodyError,
			params: {},
		};
	}

	async handle(req, res) {
		const url = new URL(req.url, 'http://sim');
		if (url.pathname === CONTROL || url.pathname.startsWith(`${CONTROL}/`)) {
			return this.handleControl(req, res, url);
		}
		const c = this.counters;
		this.inflight++;
		c.inflight.now = this.inflight;
		if (this.inflight > c.inflight.max) c.inflight.max = this.inflight;
		res.on('close', () => {
			this.inflight--;
			this.counters.inflight.now = this.inflight;
		});
		if (!this.served.has(req.socket)) {
			this.served.add(req.socket);
			c.connections.served++;
		}

		const started = Date.now();
		const ctx = await this.context(req, url);
		const m = this.match(req.method, ctx.path);
		const routeKey = m ? m.key : null;
		const pattern = m ? m.route.key : null;
		c.requests.total++;
		if (m) c.requests.by_route[routeKey] = (c.requests.by_route[routeKey] || 0) + 1;
		else c.requests.unmatched++;
		ctx.params = m ? m.params : {};
		ctx.route = routeKey;

		const entry = {
			seq: ++this.seq,
			time: new Date(started).toISOString(),
			method: req.method,
			path: ctx.path,
			query: ctx.query,
			headers: { ...req.headers },
			body: ctx.rawBody.length > 65536 ? `${ctx.rawBody.slice(0, 65536)}...` : ctx.rawBody,
			route: routeKey,
			latency_ms: 0,
			fault: null,
			status: null,
		};
		this.entries.push(entry);
		if (this.entries.length > this.logLimit) this.entries.shift();

		entry.latency_ms = this.pickLatency(routeKey, pattern);
		await sleep(entry.latency_ms);
		const fault = this.pickFault(routeKey, pattern);
		if (fault) entry.fault = fault.kind;

		switch (fault?.kind) {
		case 'timeout':
			return; // never answered; the client gives up and closes
		case 'reset':
			// A TCP RST where the socket type allows it; a TLS socket's handle does not
			// (resetAndDestroy throws there), so it is closed abruptly instead.
			try {
				if (typeof req.socket.resetAndDestroy === 'function') req.socket.resetAndDestroy();
				else req.socket.destroy();
			} catch {
				req.socket.destroy();
			}
			return;
		case 'status':
			entry.status = fault.status;
			return this.send(res, fault);
		default:
			break;
		}

		let reply;
		try {
			reply = m ? await m.route.handler(ctx) : await this.notFound(ctx);
		} catch (err) {
			reply = { status: err.status || 500, json: { error: String(err.message || err) } };
		}
		if (fault?.kind === 'lost') {
			req.socket.destroy(); // the work is done, the answer never arrives
			return;
		}
		if (reply) {
			entry.status = reply.status ?? 200;
			this.send(res, reply);
		}
	}

	async handleControl(req, res, url) {
		const name = url.pathname.slice(CONTROL.length + 1);
		const key = `${req.method} ${name}`;
		let ctx;
		try {
			ctx = await this.context(req, url);
			const body = ctx.body && typeof ctx.body === 'object' ? ctx.body : {};
			let reply;
			switch (key) {
			case 'GET ':
			case 'GET stats':
				reply = { json: this.stats() };
				break;
			case 'GET log':
				reply = {
					json: this.log({
						limit: ctx.query.limit ? Number(ctx.query.limit) : undefined,
						route: ctx.query.route,
					}),
				};
				break;
			case 'POST reset':
				this.reset();
				reply = { json: { ok: true } };
				break;
			case 'GET faults':
				reply = { json: this.faults() };
				break;
			case 'POST faults': {
				const list = Array.isArray(body) ? body : body.faults ?? [body];
				if (!body.append) this.clearFaults();
				for (const f of list) this.addFault(f);
				reply = { json: this.faults() };
				break;
			}
			case 'DELETE faults':
				this.clearFaults();
				reply = { json: [] };
				break;
			case 'POST latency':
				if (body.clear) this.clearLatency();
				else this.setLatency(body);
				reply = { json: Object.fromEntries(this.latencyRules) };
				break;
			case 'POST seed':
				this.setSeed(body.seed ?? null);
				reply = { json: { seed: this.seed } };
				break;
			default: {
				const handler = this.controls.get(key);
				reply = handler
					? await handler(ctx)
					: { status: 404, json: { error: `no control endpoint ${key}` } };
			}
			}
			this.send(res, reply);
		} catch (err) {
			this.send(res, { status: 400, json: { error: String(err.message || err) } });
		}
	}

	// ---- lifecycle ------------------------------------------------------------------------

	// Resolves to {port, url, fingerprint, certPath}.
	start() {
		const onRequest = (req, res) => {
			this.handle(req, res).catch((err) => {
				if (!res.headersSent && !res.destroyed) {
					this.send(res, { status: err.status || 500, json: { error: String(err.message || err) } });
				}
			});
		};
		if (this.tls) {
			const pair = certificate(this.tls.name || 'default', this.tls.dir);
			this.fingerprint = pair.fingerprint;
			this.certPath = pair.certPath;
			this.server = https.createServer({ key: pair.key, cert: pair.cert }, onRequest);
			this.server.on('secureConnection', () => this.counters.tls.handshakes++);
			this.server.on('tlsClientError', () => this.counters.tls.failures++);
		} else {
			this.server = http.createServer(onRequest);
		}
		// idle keep-alive connections stay open long enough for clients to reuse them,
		// and a request that is never answered is not cut off by the server
		this.server.keepAliveTimeout = 65000;
		this.server.headersTimeout = 66000;
		this.server.requestTimeout = 0;
		this.server.on('connection', (sock) => {
			const c = this.counters.connections;
			this.sockets.add(sock);
			c.opened++;
			c.open = this.sockets.size;
			if (c.open > c.max_open) c.max_open = c.open;
			sock.on('close', () => {
				this.sockets.delete(sock);
				this.counters.connections.open = this.sockets.size;
			});
		});
		return new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen({ port: this.requestedPort, host: this.host, backlog: 2048 }, () => {
				this.server.off('error', reject);
				this.port = this.server.address().port;
				resolve({ port: this.port, url: this.url(), fingerprint: this.fingerprint, certPath: this.certPath });
			});
		});
	}

	url(path = '') {
		const host = this.host === '::1' ? '[::1]' : this.host;
		return `${this.tls ? 'https' : 'http'}://${host}:${this.port}${path}`;
	}

	// Closes the listener and every connection, answered or not.
	stop() {
		if (!this.server) return Promise.resolve();
		const server = this.server;
		this.server = null;
		return new Promise((resolve) => {
			server.close(() => resolve());
			for (const s of this.sockets) s.destroy();
		});
	}
}

function createSimulator(opts) {
	return new Simulator(opts);
}

// Runs a simulator as a process: `node <file> [--tls[=name]] [--port=N] [--seed=N]
// [--exit-with-stdin]`; build(opts) returns the Simulator. Prints the JSON line once
// listening.
function main(build) {
	const opts = {};
	let exitWithStdin = false;
	for (const arg of process.argv.slice(2)) {
		const [k, v] = arg.split('=', 2);
		if (k === '--tls') opts.tls = v ? { name: v } : true;
		else if (k === '--port') opts.port = Number(v);
		else if (k === '--seed') opts.seed = Number(v);
		else if (k === '--exit-with-stdin') exitWithStdin = true;
		else if (k === '--help') {
			process.stdout.write('usage: node <simulator>.js [--tls[=certname]] [--port=N] [--seed=N] [--exit-with-stdin]\n');
			process.exit(0);
		} else {
			process.stderr.write(`unknown option ${arg}\n`);
			process.exit(2);
		}
	}
	const sim = build(opts);
	const stop = () => sim.stop().then(() => process.exit(0));
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
	if (exitWithStdin) {
		process.stdin.on('end', stop);
		process.stdin.on('close', stop);
		process.stdin.resume();
	}
	sim.start().then(
		(info) => {
			process.stdout.write(
				`${JSON.stringify({
					listening: info.port,
					control: CONTROL,
					name: sim.name,
					url: info.url,
					tls: Boolean(sim.tls),
					fingerprint: info.fingerprint,
					cert: info.certPath,
				})}\n`,
			);
		},
		(err) => {
			process.stderr.write(`${sim.name}: cannot listen: ${err.message}\n`);
			process.exit(1);
		},
	);
	return sim;
}

module.exports = { Simulator, createSimulator, main, CONTROL, paramsToObject, parseBody };
