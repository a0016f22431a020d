// A Cloudflare API v4 simulator (DNS) on the simulator base: zones, DNS records with
// listing filters and pagination, the batch endpoint, token verification, bearer-token
// auth, and the account-wide rate limit - faithful to research/apis.md §2 and validated
// against Cloudflare's own schema (schema.js).
//
// Paths live under /client/v4, as on api.cloudflare.com. Every answer is the envelope
// {success, errors, messages, result[, result_info]}. What the simulator holds:
//   tokens  value -> {id, status, zones ('*' or zone ids), account}
//   zones   id (32 hex) -> {name, account, records: id -> record}
// and it behaves as research/apis.md describes: record names normalised (relative ->
// FQDN, no trailing dot, lower case), 81058 for an identical record, 81053/81054 for
// CNAME coexistence, 81044 for an unknown record id, 7003/7000 for an id that is not
// 32 hex, 6003/6111 for a malformed Authorization header, 10000 for a token without the
// zone, a batch executed deletes -> patches -> puts -> posts as one transaction (all or
// nothing) with at most `batchLimit` operations, and 429 with retry-after once the token
// bucket (1200 requests per 300 s by default) is empty, after which every call is
// refused until the block ends. Validation failures answer 400 with code 1004
// ("DNS Validation Error", the code Cloudflare's DNS API uses) and the schema's
// findings in error_chain; 971 on 429 is the code Cloudflare's rate limiter sends.
//
// Control (besides the base's /__sim): POST /__sim/cf/zones {name, account_id?} ->
// {id}; POST /__sim/cf/tokens {token, zones?: '*'|[ids], status?}; GET
// /__sim/cf/records?zone_id=; POST /__sim/cf/records {zone_id, ...record};
// POST /__sim/cf/ratelimit {limit, window_s, block_s}.
'use strict';

const crypto = require('node:crypto');
const net = require('node:net');

const { createSimulator, main } = require('../lib/base');
const { checkBatch, checkQuery, checkRecord } = require('./schema');

const PREFIX = '/client/v4';
const HEX32 = /^[0-9a-f]{32}$/;

const newId = () => crypto.randomBytes(16).toString('hex');
const now = () => new Date().toISOString();

function envelope(result, extra = {}) {
	return { json: { success: true, errors: [], messages: [], result, ...extra } };
}

function failure(status, errors, headers) {
	return {
		status,
		headers,
		json: { success: false, errors, messages: [], result: null },
	};
}

function validationFailure(problems) {
	return failure(400, [{
		code: 1004,
		message: 'DNS Validation Error',
		error_chain: problems.map((m) => ({ code: 1004, message: m })),
	}]);
}

class CloudflareState {
	constructor() {
		this.reset();
	}

	reset() {
		this.zones = new Map();
		this.tokens = new Map();
		this.batchLimit = 200;
		this.rate = { limit: 1200, window_s: 300, block_s: 300, hits: new Map() };
	}

	addZone(name, { accountId, id } = {}) {
		const zone = {
			id: id || newId(),
			name: name.toLowerCase().replace(/\.$/, ''),
			status: 'active',
			account: { id: accountId || '0123456789abcdef0123456789abcdef', name: 'Simulated Account' },
			records: new Map(),
			created_on: now(),
		};
		this.zones.set(zone.id, zone);
		return zone;
	}

	addToken(token, { zones = '*', status = 'active' } = {}) {
		this.tokens.set(token, { id: newId(), status, zones, hits: [] });
	}

	// The FQDN Cloudflare stores for a submitted name ('@', relative or absolute).
	fqdn(zone, name) {
		let n = String(name).toLowerCase().replace(/\.$/, '');
		if (n === '@' || n === '') return zone.name;
		if (n !== zone.name && !n.endsWith(`.${zone.name}`)) n = `${n}.${zone.name}`;
		return n;
	}
}

function recordOut(zone, r) {
	return {
		id: r.id,
		name: r.name,
		type: r.type,
		content: r.content,
		proxiable: ['A', 'AAAA', 'CNAME'].includes(r.type),
		proxied: r.proxied,
		ttl: r.ttl,
		settings: {},
		meta: {},
		comment: r.comment,
		tags: r.tags,
		created_on: r.created_on,
		modified_on: r.modified_on,
	};
}

// The checks Cloudflare applies to a record in its zone, against `records` (a Map).
function conflicts(records, rec, exceptId) {
	for (const o of records.values()) {
		if (o.id === exceptId || o.name !== rec.name) continue;
		if (o.type === rec.type && o.content.toLowerCase() === rec.content.toLowerCase())
			return { code: 81058, message: 'An identical record already exists.' };
		if (rec.type === 'CNAME' && ['A', 'AAAA', 'CNAME'].includes(o.type))
			return { code: 81053, message: 'An A, AAAA, or CNAME record with that host already exists.' };
		if (['A', 'AAAA'].includes(rec.type) && o.type === 'CNAME')
			return { code: 81054, message: 'A CNAME record with that host already exists.' };
	}
	return null;
}

function normaliseContent(type, content) {
	let c = String(content);
	if (['CNAME', 'PTR', 'NS', 'MX'].includes(type)) c = c.replace(/\.$/, '');
	if (type === 'AAAA' && net.isIP(c) === 6) {
		// stored and returned canonical, as Cloudflare does
		c = new URL(`http://[${c}]/`).hostname.slice(1, -1);
	}
	return c;
}

// Applies one create/replace/merge to `records`; returns {record} or {error}.
function applyWrite(state, zone, records, body, { id, merge } = {}) {
	const existing = id ? records.get(id) : null;
	if (id && !existing) return { error: { code: 81044, message: 'Record does not exist.' }, status: 404 };
	const merged = merge ? { ...existing, ...body } : { ...body };
	const type = merged.type;
	const name = state.fqdn(zone, merged.name ?? existing?.name);
	if (name !== zone.name && !name.endsWith(`.${zone.name}`))
		return { error: { code: 1004, message: 'DNS Validation Error',
			error_chain: [{ code: 1004, message: `name: ${name} is not in zone ${zone.name}` }] }, status: 400 };
	if (merged.proxied && !['A', 'AAAA', 'CNAME'].includes(type))
		return { error: { code: 1004, message: 'DNS Validation Error',
			error_chain: [{ code: 1004, message: `proxied: ${type} records cannot be proxied` }] }, status: 400 };
	const rec = {
		id: existing ? existing.id : newId(),
		name,
		type,
		content: normaliseContent(type, merged.content),
		ttl: merged.ttl ?? 1,
		proxied: Boolean(merged.proxied),
		comment: merged.comment ?? null,
		tags: merged.tags ?? [],
		created_on: existing ? existing.created_on : now(),
		modified_on: now(),
	};
	const clash = conflicts(records, rec, existing?.id);
	if (clash) return { error: clash, status: 400 };
	records.set(rec.id, rec);
	return { record: rec };
}

function cloudflareSimulator(opts = {}) {
	const sim = createSimulator({ name: 'cloudflare', ...opts });
	const state = new CloudflareState();
	sim.cf = state;

	// auth + rate limit in front of every API route
	function guard(ctx, zoneId) {
		const auth = ctx.headers.authorization;
		if (auth === undefined)
			return failure(400, [{ code: 10000, message: 'Authentication error' }]);
		const m = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(auth);
		if (!m)
			return failure(400, [{ code: 6003, message: 'Invalid request headers',
				error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }] }]);
		const token = state.tokens.get(m[1]);
		if (!token || token.status !== 'active')
			return failure(400, [{ code: 9106, message: 'Authentication failed' }]);
		// the bucket: limit requests per window; past it every call is refused for block_s
		const t = Date.now();
		const r = state.rate;
		if (token.blockedUntil && t < token.blockedUntil) {
			const wait = Math.ceil((token.blockedUntil - t) / 1000);
			return failure(429, [{ code: 971, message: 'Please wait and consider throttling your request speed' }],
				{ 'retry-after': String(wait) });
		}
		token.hits = token.hits.filter((h) => t - h < r.window_s * 1000);
		if (token.hits.length >= r.limit) {
			token.blockedUntil = t + r.block_s * 1000;
			return failure(429, [{ code: 971, message: 'Please wait and consider throttling your request speed' }],
				{ 'retry-after': String(r.block_s) });
		}
		token.hits.push(t);
		ctx.rateHeaders = {
			ratelimit: `"default";r=${r.limit - token.hits.length};t=${r.window_s}`,
			'ratelimit-policy': `"default";q=${r.limit};w=${r.window_s}`,
		};
		ctx.token = token;
		if (zoneId === undefined) return null;
		if (!HEX32.test(zoneId))
			return failure(400, [
				{ code: 7003, message: `Could not route to ${ctx.path}, perhaps your object identifier is invalid?` },
				{ code: 7000, message: 'No route for that URI' },
			]);
		const zone = state.zones.get(zoneId);
		if (!zone || (token.zones !== '*' && !token.zones.includes(zoneId)))
			return failure(403, [{ code: 10000, message: 'Authentication error' }]);
		ctx.zone = zone;
		return null;
	}

	function api(method, pattern, handler) {
		sim.route(method, PREFIX + pattern, async (ctx) => {
			const refused = guard(ctx, ctx.params.zone_id);
			if (refused) return refused;
			if (ctx.bodyError) return failure(400, [{ code: 1004, message: ctx.bodyError }]);
			const reply = await handler(ctx);
			reply.headers = { ...(ctx.rateHeaders || {}), ...(reply.headers || {}) };
			return reply;
		});
	}

	function zoneOut(zone) {
		return {
			id: zone.id,
			name: zone.name,
			status: zone.status,
			paused: false,
			type: 'full',
			development_mode: 0,
			name_servers: ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'],
			original_name_servers: [],
			account: zone.account,
			owner: { id: null, type: 'user', email: null },
			permissions: ['#dns_records:edit', '#dns_records:read', '#zone:read'],
			created_on: zone.created_on,
			modified_on: zone.created_on,
			activated_on: zone.created_on,
			meta: { step: 2, phishing_detected: false },
		};
	}

	api('GET', '/user/tokens/verify', (ctx) =>
		envelope({ id: ctx.token.id, status: ctx.token.status },
			{ messages: [{ code: 10000, message: 'This API Token is valid and active', type: null }] }));

	api('GET', '/zones', (ctx) => {
		const problems = checkQuery('zones.list', ctx.query);
		if (problems.length) return validationFailure(problems);
		let list = [...state.zones.values()].filter((z) => ctx.token.zones === '*' || ctx.token.zones.includes(z.id));
		if (ctx.query.name) list = list.filter((z) => z.name === String(ctx.query.name).toLowerCase());
		return paginate(ctx, list.map(zoneOut));
	});

	api('GET', '/zones/:zone_id', (ctx) => envelope(zoneOut(ctx.zone)));

	function paginate(ctx, list) {
		const page = Number(ctx.query.page || 1);
		const perPage = Number(ctx.query.per_page || 100);
		const start = (page - 1) * perPage;
		const items = list.slice(start, start + perPage);
		return envelope(items, {
			result_info: {
				page,
				per_page: perPage,
				count: items.length,
				total_count: list.length,
				total_pages: Math.ceil(list.length / perPage),
			},
		});
	}

	api('GET', '/zones/:zone_id/dns_records', (ctx) => {
		const q = ctx.query;
		const problems = checkQuery('dns_records.list', q);
		if (problems.length) return validationFailure(problems);
		const zone = ctx.zone;
		const tests = [];
		if (q.type) tests.push((r) => r.type === q.type);
		const name = q.name ?? q['name.exact'];
		if (name !== undefined) tests.push((r) => r.name === state.fqdn(zone, name));
		if (q['name.contains']) tests.push((r) => r.name.includes(q['name.contains'].toLowerCase()));
		if (q['name.startswith']) tests.push((r) => r.name.startsWith(q['name.startswith'].toLowerCase()));
		if (q['name.endswith']) tests.push((r) => r.name.endsWith(q['name.endswith'].toLowerCase()));
		const content = q.content ?? q['content.exact'];
		if (content !== undefined) tests.push((r) => r.content.toLowerCase() === String(content).toLowerCase());
		if (q['comment.startswith']) tests.push((r) => (r.comment || '').startsWith(q['comment.startswith']));
		if (q['comment.present'] !== undefined) tests.push((r) => Boolean(r.comment));
		if (q['comment.absent'] !== undefined) tests.push((r) => !r.comment);
		const any = q.match === 'any';
		const list = [...zone.records.values()]
			.filter((r) => (tests.length === 0 ? true : any ? tests.some((t) => t(r)) : tests.every((t) => t(r))))
			.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
			.map((r) => recordOut(zone, r));
		return paginate(ctx, list);
	});

	function single(ctx, write) {
		if (write.error) return failure(write.status, [write.error]);
		return envelope(recordOut(ctx.zone, write.record));
	}

	api('POST', '/zones/:zone_id/dns_records', (ctx) => {
		const problems = checkRecord(ctx.body, 'body');
		if (problems.length) return validationFailure(problems);
		return single(ctx, applyWrite(state, ctx.zone, ctx.zone.records, ctx.body));
	});

	api('GET', '/zones/:zone_id/dns_records/:id', (ctx) => {
		const r = ctx.zone.records.get(ctx.params.id);
		if (!r) return failure(404, [{ code: 81044, message: 'Record does not exist.' }]);
		return envelope(recordOut(ctx.zone, r));
	});

	api('PUT', '/zones/:zone_id/dns_records/:id', (ctx) => {
		const problems = checkRecord(ctx.body, 'body');
		if (problems.length) return validationFailure(problems);
		return single(ctx, applyWrite(state, ctx.zone, ctx.zone.records, ctx.body, { id: ctx.params.id }));
	});

	api('PATCH', '/zones/:zone_id/dns_records/:id', (ctx) => {
		const problems = checkRecord(ctx.body, 'body', { partial: true });
		if (problems.length) return validationFailure(problems);
		return single(ctx, applyWrite(state, ctx.zone, ctx.zone.records, ctx.body,
			{ id: ctx.params.id, merge: true }));
	});

	api('DELETE', '/zones/:zone_id/dns_records/:id', (ctx) => {
		if (!ctx.zone.records.delete(ctx.params.id))
			return failure(404, [{ code: 81044, message: 'Record does not exist.' }]);
		return envelope({ id: ctx.params.id });
	});

	// deletes -> patches -> puts -> posts on a copy; the copy replaces the zone's records
	// only when every operation succeeded (one transaction)
	api('POST', '/zones/:zone_id/dns_records/batch', (ctx) => {
		const body = ctx.body;
		const problems = checkBatch(body);
		if (problems.length) return validationFailure(problems);
		const total = ['deletes', 'patches', 'puts', 'posts'].reduce((n, k) => n + (body[k]?.length || 0), 0);
		if (total > state.batchLimit)
			return validationFailure([`the batch holds ${total} operations; this plan allows ${state.batchLimit}`]);
		const records = new Map(ctx.zone.records);
		const result = { deletes: [], patches: [], puts: [], posts: [] };
		for (const d of body.deletes || []) {
			const r = records.get(d.id);
			if (!r) return failure(400, [{ code: 81044, message: 'Record does not exist.' }]);
			records.delete(d.id);
			result.deletes.push(recordOut(ctx.zone, r));
		}
		const steps = [['patches', true], ['puts', false], ['posts', null]];
		for (const [key, merge] of steps) {
			for (const item of body[key] || []) {
				const { id, ...fields } = item;
				const w = merge === null
					? applyWrite(state, ctx.zone, records, item)
					: applyWrite(state, ctx.zone, records, fields, { id, merge });
				if (w.error) return failure(w.status === 404 ? 400 : w.status, [w.error]);
				result[key].push(recordOut(ctx.zone, w.record));
			}
		}
		ctx.zone.records = records;
		return envelope(result);
	});

	// ---- control ----------------------------------------------------------------------
	// the base's POST /__sim/reset clears counters, log and faults; this clears the data
	sim.control('POST', 'cf/reset', () => {
		state.reset();
		return { json: { ok: true } };
	});

	sim.control('POST', 'cf/zones', (ctx) => {
		const z = state.addZone(ctx.body.name, { accountId: ctx.body.account_id, id: ctx.body.id });
		return { json: { id: z.id, name: z.name } };
	});
	sim.control('POST', 'cf/tokens', (ctx) => {
		state.addToken(ctx.body.token, { zones: ctx.body.zones ?? '*', status: ctx.body.status });
		return { json: { ok: true } };
	});
	sim.control('GET', 'cf/records', (ctx) => {
		const zone = state.zones.get(ctx.query.zone_id);
		if (!zone) return { status: 404, json: { error: 'no such zone' } };
		return { json: [...zone.records.values()].map((r) => recordOut(zone, r)) };
	});
	sim.control('POST', 'cf/records', (ctx) => {
		const zone = state.zones.get(ctx.body.zone_id);
		if (!zone) return { status: 404, json: { error: 'no such zone' } };
		const { zone_id: _z, ...rec } = ctx.body;
		const w = applyWrite(state, zone, zone.records, rec);
		return w.error ? { status: 400, json: w.error } : { json: recordOut(zone, w.record) };
	});
	sim.control('POST', 'cf/ratelimit', (ctx) => {
		Object.assign(state.rate, ctx.body);
		for (const t of state.tokens.values()) {
			t.hits = [];
			t.blockedUntil = 0;
		}
		return { json: { ...state.rate, hits: undefined } };
	});
	sim.control('POST', 'cf/batch-limit', (ctx) => {
		state.batchLimit = Number(ctx.body.limit);
		return { json: { limit: state.batchLimit } };
	});

	sim.notFound = (ctx) => failure(400, [
		{ code: 7003, message: `Could not route to ${ctx.path}, perhaps your object identifier is invalid?` },
		{ code: 7000, message: 'No route for that URI' },
	]);
	return sim;
}

if (require.main === module) main(cloudflareSimulator);

module.exports = { cloudflareSimulator, PREFIX };
