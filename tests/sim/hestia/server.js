// A HestiaCP API simulator on the simulator base: POST /api/ (= /api/index.php) with
// `cmd` and `arg1..argN`, in access-key mode (hash=ID:SECRET, or access_key +
// secret_key) and legacy mode (user + password of the admin), faithful to
// research/apis.md §3 and driven by data.json (a copy of research/dns-api-data's
// hestia_data.json: HestiaCP 1.10.3's command list with their option lines, API
// permission profiles, the default DNS template, exit codes and their HTTP mapping).
//
// What it models:
//   - the request rules: the body is form data, or JSON when no auth field is in the
//     form; no auth field at all -> 405; `cmd` must match ^[a-zA-Z0-9_-]+$ and exist in
//     the command list; missing required arguments (from the command's option line)
//     -> exit 1 with its usage; API_ALLOWED_IP (default 127.0.0.1 and ::1)
//     -> 401 exit 10;
//   - answers: access-key mode sends Hestia-Exit-Code always; returncode=yes gives the
//     exit code as the body with 200; otherwise a failure maps to the HTTP status of
//     data.json's http_map with the command's "Error: ..." text, success gives the
//     output (JSON content type when it is non-empty JSON) or 204 when there is none.
//     Legacy mode answers 200 even for failures and "OK" for an empty success, without
//     the header (research/apis.md §3.2);
//   - the DNS commands a provisioning client uses: v-list-dns-domains, v-list-dns-domain,
//     v-list-dns-records (json/plain/shell), v-add-dns-domain (records from the default
//     template), v-add-dns-record (RECORD lower-cased, TYPE upper-cased and checked, a
//     trailing dot added to host values, the FQDN rule, 1.10's strict A/AAAA/PTR format
//     check, IDs: next free or an explicit free one), v-change-dns-record,
//     v-delete-dns-record (unknown ID -> exit 3, the last A or NS -> exit 2) and
//     v-delete-dns-domain. Other commands of the list answer exit 2 "not simulated".
//   - access keys with a command list ('*' or names) and an owner; a non-admin key may
//     only act on its own user.
//
// Control (besides the base's /__sim): POST /__sim/hestia/users {user};
// POST /__sim/hestia/domains {user, domain, ip}; POST /__sim/hestia/keys {id, secret,
// user, commands | profile}; POST /__sim/hestia/config {root_user, admin_password,
// allowed_ips}; GET /__sim/hestia/records?user=&domain=.
'use strict';

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const { createSimulator, main } = require('../lib/base');

const data = JSON.parse(fs.readFileSync(path.join(__dirname, 'data.json'), 'utf8'));
const CODES = data.exit_codes;
const DNS_TYPES = ['A', 'AAAA', 'NS', 'CNAME', 'MX', 'TXT', 'SRV', 'DNSKEY', 'KEY', 'IPSECKEY', 'PTR',
	'SPF', 'TLSA', 'CAA', 'DS'];
const HOST_VALUE_TYPES = new Set(['NS', 'CNAME', 'MX', 'PTR', 'SRV']);

function httpStatus(code) {
	return data.http_map[String(code)] ?? data.http_map.default;
}

class CommandError extends Error {
	constructor(code, text) {
		super(text);
		this.code = code;
	}
}

const fail = (name, text) => {
	throw new CommandError(CODES[name], text);
};

function stamp() {
	const d = new Date();
	return { TIME: d.toISOString().slice(11, 19), DATE: d.toISOString().slice(0, 10) };
}

class HestiaState {
	constructor() {
		this.reset();
	}

	reset() {
		this.rootUser = 'admin';
		this.adminPassword = 'hestia-admin-password';
		this.allowedIps = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];
		this.users = new Map([['admin', { domains: new Map() }]]);
		this.keys = new Map();
	}

	user(name) {
		const u = this.users.get(name);
		if (!u) fail('E_NOTEXIST', `Error: user ${name} doesn't exist`);
		return u;
	}

	domain(user, name) {
		const d = this.user(user).domains.get(String(name).toLowerCase());
		if (!d) fail('E_NOTEXIST', `Error: dns domain ${name} doesn't exist`);
		return d;
	}

	addDomain(user, name, ip) {
		const u = this.user(user);
		const domain = String(name).toLowerCase();
		if (u.domains.has(domain)) fail('E_EXISTS', `Error: dns domain ${domain} exists`);
		const d = { ip, ttl: '14400', records: new Map(), ...stamp() };
		// the default template, with the placeholders filled in
		for (const line of data.dns_template_default) {
			const fields = {};
			for (const m of line.matchAll(/(\w+)='((?:[^'\\]|\\.)*)'/g)) fields[m[1]] = m[2];
			const value = fields.VALUE.replace(/%ip%/g, ip).replace(/%domain%/g, domain)
				.replace(/%ns(\d)%/g, (_, n) => `ns${n}.${domain}`);
			if (/^ns[3-8]\./.test(value) && fields.TYPE === 'NS') continue; // two name servers configured
			d.records.set(Number(fields.ID), { ID: fields.ID, RECORD: fields.RECORD, TYPE: fields.TYPE,
				PRIORITY: fields.PRIORITY, VALUE: value, SUSPENDED: 'no', ...stamp(), TTL: '' });
		}
		u.domains.set(domain, d);
		return d;
	}
}

// ---- the commands -----------------------------------------------------------------------

function listRecords(d, format) {
	const ids = [...d.records.keys()].sort((a, b) => a - b);
	const rows = ids.map((id) => ({ ...d.records.get(id), TTL: d.records.get(id).TTL || d.ttl }));
	if (format === 'json') {
		const out = {};
		for (const r of rows) out[r.ID] = r;
		return JSON.stringify(out, null, 4);
	}
	return rows.map((r) => `${r.ID} ${r.RECORD} ${r.TYPE} ${r.PRIORITY} ${r.VALUE} ${r.SUSPENDED}`).join('\n');
}

function domainInfo(d) {
	return { IP: d.ip, TPL: 'default', TTL: d.ttl, EXP: '2027-05-24', SOA: 'ns1.example.com', SERIAL: '2026052401',
		DNSSEC: 'no', SRC: '', RECORDS: String(d.records.size), SUSPENDED: 'no', TIME: d.TIME, DATE: d.DATE };
}

function fqdnDots(value) {
	return (value.match(/\./g) || []).length;
}

const commands = {
	'v-list-dns-domains'(st, [user, format]) {
		const u = st.user(user);
		const out = {};
		for (const [name, d] of u.domains) out[name] = domainInfo(d);
		return format === 'json' ? JSON.stringify(out, null, 4) : Object.keys(out).join('\n');
	},
	'v-list-dns-domain'(st, [user, domain, format]) {
		const d = st.domain(user, domain);
		const out = { [String(domain).toLowerCase()]: domainInfo(d) };
		return format === 'json' ? JSON.stringify(out, null, 4) : String(domain);
	},
	'v-list-dns-records'(st, [user, domain, format]) {
		return listRecords(st.domain(user, domain), format);
	},
	'v-add-dns-domain'(st, [user, domain, ip]) {
		if (net.isIP(ip) !== 4) fail('E_INVALID', `Error: invalid ip format :: ${ip}`);
		st.addDomain(user, domain, ip);
		return '';
	},
	'v-delete-dns-domain'(st, [user, domain]) {
		st.domain(user, domain);
		st.user(user).domains.delete(String(domain).toLowerCase());
		return '';
	},
	'v-add-dns-record'(st, [user, domain, record, type, value, priority, id, _restart, ttl]) {
		const d = st.domain(user, domain);
		const rec = String(record).toLowerCase();
		if (/[!#$^&()+={}:<>?/\\"';%`\s]/.test(rec) || rec.length >= 400 || (rec.includes('@') && rec !== '@'))
			fail('E_INVALID', `Error: invalid record format :: ${record}`);
		const t = String(type).toUpperCase();
		if (!DNS_TYPES.includes(t)) fail('E_INVALID', `Error: invalid type format :: ${type}`);
		let v = String(value);
		if (HOST_VALUE_TYPES.has(t) && !v.endsWith('.')) v += '.';
		if (['CNAME', 'MX', 'PTR'].includes(t) && fqdnDots(v) < 2)
			fail('E_INVALID', `Error: ${t} record ${value} should be a fully qualified domain name (FQDN)`);
		if (t === 'CNAME' && rec === '@') fail('E_INVALID', 'Error: CNAME record can not be added to @');
		// 1.10's strict validator, for the types a provisioning client writes
		if (t === 'A' && net.isIP(v) !== 4) fail('E_INVALID', `Error: invalid A record format :: ${value}`);
		if (t === 'AAAA' && net.isIP(v) !== 6) fail('E_INVALID', `Error: invalid AAAA record format :: ${value}`);
		if (t === 'PTR' && !/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+$/i.test(v))
			fail('E_INVALID', `Error: invalid PTR record format :: ${value}`);
		if (ttl && !/^\d+$/.test(ttl)) fail('E_INVALID', `Error: invalid ttl format :: ${ttl}`);
		let n;
		if (id) {
			if (!/^[1-9][0-9]*$/.test(id)) fail('E_INVALID', `Error: invalid id format :: ${id}`);
			n = Number(id);
			if (d.records.has(n)) fail('E_EXISTS', `Error: ID=${id} already exists`);
		} else {
			n = Math.max(0, ...d.records.keys()) + 1;
		}
		d.records.set(n, { ID: String(n), RECORD: rec, TYPE: t,
			PRIORITY: ['MX', 'SRV'].includes(t) ? String(priority || 10) : '', VALUE: v, SUSPENDED: 'no',
			...stamp(), TTL: ttl || '' });
		return '';
	},
	'v-change-dns-record'(st, [user, domain, id, record, type, value, priority, _restart, ttl]) {
		const d = st.domain(user, domain);
		if (!d.records.has(Number(id))) fail('E_NOTEXIST', `Error: ${domain} id ${id} doesn't exist`);
		const old = d.records.get(Number(id));
		d.records.delete(Number(id));
		try {
			commands['v-add-dns-record'](st, [user, domain, record, type, value, priority, id, 'no', ttl]);
		} catch (e) {
			d.records.set(Number(id), old);
			throw e;
		}
		return '';
	},
	'v-delete-dns-record'(st, [user, domain, id]) {
		const d = st.domain(user, domain);
		const rec = d.records.get(Number(id));
		if (!rec) fail('E_NOTEXIST', `Error: ${domain} id ${id} doesn't exist`);
		for (const t of ['A', 'NS']) {
			if (rec.TYPE !== t) continue;
			const left = [...d.records.values()].filter((r) => r.TYPE === t).length;
			if (left <= 1) fail('E_INVALID', `Error: at least one ${t} record should remain active`);
		}
		d.records.delete(Number(id));
		return '';
	},
};

// ---- the API front ------------------------------------------------------------------------

function hestiaSimulator(opts = {}) {
	const sim = createSimulator({ name: 'hestia', ...opts });
	const state = new HestiaState();
	sim.hestia = state;

	function answer({ keyMode, returncode }, code, output) {
		const headers = keyMode ? { 'Hestia-Exit-Code': String(code) } : {};
		if (returncode) return { status: 200, headers, text: String(code) };
		if (!keyMode) return { status: 200, text: code === 0 && output === '' ? 'OK' : output };
		if (code !== 0) return { status: httpStatus(code), headers, text: output };
		if (output === '') return { status: 204, headers, body: '' };
		let json = null;
		try {
			json = JSON.parse(output);
		} catch {
			json = null;
		}
		const nonEmpty = json && typeof json === 'object' && Object.keys(json).length > 0;
		return { status: 200, headers: nonEmpty ? { ...headers, 'content-type': 'application/json; charset=utf-8' } : headers,
			body: output };
	}

	function authError(code, text, status = 401) {
		return { status, headers: { 'Hestia-Exit-Code': String(code) }, text };
	}

	function handle(ctx) {
		let fields = ctx.body && typeof ctx.body === 'object' ? ctx.body : {};
		const hasAuth = (f) => f && ('access_key' in f || 'user' in f || 'hash' in f);
		if (!hasAuth(fields)) {
			try {
				const j = JSON.parse(ctx.rawBody);
				if (hasAuth(j)) fields = j;
			} catch {
				/* not JSON either */
			}
		}
		if (!hasAuth(fields))
			return authError(CODES.E_INVALID, 'Error: data received is null or invalid, check https://hestiacp.com/docs/server-administration/rest-api.html', 405);
		const ip = ctx.req.socket.remoteAddress;
		if (!state.allowedIps.includes('allow-all') && !state.allowedIps.includes(ip))
			return authError(CODES.E_FORBIDEN, 'Error: IP is not allowed to connect with API');

		// credentials
		let keyMode = false;
		let keyUser = null;
		let allowed = '*';
		const hash = fields.hash;
		const keyPair = hash && /^([A-Za-z0-9]{20}):(.{40})$/.exec(hash);
		if (keyPair || fields.access_key) {
			keyMode = true;
			const id = keyPair ? keyPair[1] : fields.access_key;
			const secret = keyPair ? keyPair[2] : fields.secret_key;
			const key = state.keys.get(id);
			if (!key) return authError(CODES.E_PASSWORD, `Error: Access key ${id} doesn't exist`);
			if (key.secret !== secret) return authError(CODES.E_PASSWORD, `Error: Access key ${id} is invalid`);
			keyUser = key.user;
			allowed = key.commands;
			if (allowed !== '*' && !allowed.includes(fields.cmd))
				return authError(CODES.E_FORBIDEN, `Error: Key ${id} don't have permission to run the command ${fields.cmd}`);
		} else if (hash !== undefined) {
			return authError(CODES.E_PASSWORD, 'Error: authentication failed');
		} else if (fields.user !== state.rootUser || fields.password !== state.adminPassword) {
			return authError(CODES.E_PASSWORD, 'Error: authentication failed');
		}

		const returncode = fields.returncode === 'yes';
		const mode = { keyMode, returncode };
		const cmd = String(fields.cmd ?? '');
		if (!/^[a-zA-Z0-9_-]+$/.test(cmd)) return answer(mode, CODES.E_INVALID, `Error: ${cmd} command invalid`);
		const options = data.bin_commands[cmd];
		if (options === undefined) return answer(mode, CODES.E_INVALID, `Error: ${cmd} command invalid`);
		const args = [];
		for (let i = 1; i <= 13; i++) {
			const v = fields[`arg${i}`];
			args.push(v === undefined ? undefined : String(v).trim());
		}
		while (args.length && args[args.length - 1] === undefined) args.pop();
		const required = options.split(/\s+/).filter((o) => o && o !== 'NONE' && !o.startsWith('[')).length;
		if (args.filter((a) => a !== undefined).length < required)
			return answer(mode, CODES.E_ARGS, `Usage: ${cmd} ${options}`);
		if (keyUser && keyUser !== state.rootUser && /^USER\b/.test(options) && args[0] !== keyUser)
			return authError(CODES.E_FORBIDEN, `Error: Key - the "user" argument doesn\\'t match the key\\'s user`);
		const fn = commands[cmd];
		if (!fn) return answer(mode, CODES.E_INVALID, `Error: ${cmd} is not simulated`);
		try {
			return answer(mode, 0, fn(state, args));
		} catch (e) {
			if (e instanceof CommandError) return answer(mode, e.code, e.message);
			throw e;
		}
	}

	sim.post('/api/', handle);
	sim.post('/api/index.php', handle);

	// ---- control ----------------------------------------------------------------------
	// the base's POST /__sim/reset clears counters, log and faults; this clears the data
	sim.control('POST', 'hestia/reset', () => {
		state.reset();
		return { json: { ok: true } };
	});
	sim.control('POST', 'hestia/users', (ctx) => {
		state.users.set(ctx.body.user, state.users.get(ctx.body.user) || { domains: new Map() });
		return { json: { ok: true } };
	});
	sim.control('POST', 'hestia/domains', (ctx) => {
		try {
			state.addDomain(ctx.body.user, ctx.body.domain, ctx.body.ip || '192.0.2.1');
		} catch (e) {
			return { status: 400, json: { error: e.message } };
		}
		return { json: { ok: true } };
	});
	// commands: '*' or a list; profile: one of data.json's API permission profiles
	sim.control('POST', 'hestia/keys', (ctx) => {
		const profile = ctx.body.profile && data.api_profiles[ctx.body.profile];
		const commands = profile ? profile.COMMANDS.split(',') : ctx.body.commands || '*';
		state.keys.set(ctx.body.id, { secret: ctx.body.secret, user: ctx.body.user || 'admin', commands });
		return { json: { ok: true } };
	});
	sim.control('POST', 'hestia/config', (ctx) => {
		if (ctx.body.root_user) state.rootUser = ctx.body.root_user;
		if (ctx.body.admin_password) state.adminPassword = ctx.body.admin_password;
		if (ctx.body.allowed_ips) state.allowedIps = [].concat(ctx.body.allowed_ips);
		return { json: { ok: true } };
	});
	sim.control('GET', 'hestia/records', (ctx) => {
		try {
			return { json: JSON.parse(listRecords(state.domain(ctx.query.user, ctx.query.domain), 'json')) };
		} catch (e) {
			return { status: 404, json: { error: e.message } };
		}
	});
	return sim;
}

if (require.main === module) main(hestiaSimulator);

module.exports = { hestiaSimulator };
