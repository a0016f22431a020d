// Cloudflare's OpenAPI extract (schema.json, a copy of research/dns-api-data's
// cloudflare_schema.json: zones, DNS records, batch, token verification) as a request
// validator for the Cloudflare simulator.
//
// It checks what a JSON-schema validator would for the keywords the extract uses: $ref,
// allOf/anyOf, type, enum, format ipv4/ipv6, minimum/maximum, min/maxLength, required,
// properties and items. A record body is checked against the schema of its own type
// (dns-records_<TYPE>Record) rather than the whole oneOf, as Cloudflare's API does -
// so an A record with an IPv6 content is an A record with a bad content, not "matches
// none of 21 types". Types whose schema the extract does not carry are accepted with
// the shared fields checked only.
'use strict';

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const doc = JSON.parse(fs.readFileSync(path.join(__dirname, 'schema.json'), 'utf8'));
const schemas = doc.components.schemas;

function resolve(ref) {
	const name = ref.replace('#/components/schemas/', '');
	return schemas[name] || null; // an unresolved reference constrains nothing
}

function typeOf(v) {
	if (v === null) return 'null';
	if (Array.isArray(v)) return 'array';
	if (Number.isInteger(v)) return 'integer';
	return typeof v;
}

// Collects "<path>: <problem>" strings for value against schema.
function check(value, schema, where, errors) {
	if (!schema) return errors;
	if (schema.$ref) return check(value, resolve(schema.$ref), where, errors);
	if (schema.allOf) for (const s of schema.allOf) check(value, s, where, errors);
	if (schema.anyOf) {
		const ok = schema.anyOf.some((s) => check(value, s, where, []).length === 0);
		if (!ok) errors.push(`${where}: does not match any allowed form`);
	}
	if (value === undefined) return errors;
	if (schema.nullable && value === null) return errors;
	const t = typeOf(value);
	if (schema.type) {
		const want = schema.type;
		const ok = want === t || (want === 'number' && t === 'integer');
		if (!ok) {
			errors.push(`${where}: must be ${want === 'integer' ? 'an integer' : `a ${want}`}`);
			return errors;
		}
	}
	if (schema.enum && !schema.enum.includes(value)) {
		errors.push(`${where}: must be one of ${schema.enum.join(', ')}`);
	}
	if (t === 'string') {
		if (schema.maxLength !== undefined && value.length > schema.maxLength)
			errors.push(`${where}: longer than ${schema.maxLength} characters`);
		if (schema.minLength !== undefined && value.length < schema.minLength)
			errors.push(`${where}: shorter than ${schema.minLength} characters`);
		if (schema.format === 'ipv4' && net.isIP(value) !== 4)
			errors.push(`${where}: must be a valid IPv4 address`);
		if (schema.format === 'ipv6' && net.isIP(value) !== 6)
			errors.push(`${where}: must be a valid IPv6 address`);
	}
	if (t === 'integer' || t === 'number') {
		if (schema.minimum !== undefined && value < schema.minimum)
			errors.push(`${where}: must be at least ${schema.minimum}`);
		if (schema.maximum !== undefined && value > schema.maximum)
			errors.push(`${where}: must be at most ${schema.maximum}`);
	}
	if (t === 'object') {
		for (const r of schema.required || [])
			if (value[r] === undefined) errors.push(`${where}.${r}: is required`);
		for (const [k, s] of Object.entries(schema.properties || {}))
			if (value[k] !== undefined) check(value[k], s, `${where}.${k}`, errors);
	}
	if (t === 'array' && schema.items) value.forEach((v, i) => check(v, schema.items, `${where}[${i}]`, errors));
	return errors;
}

// A DNS record as sent to create/PUT/PATCH or in a batch: checked by its type's schema.
function checkRecord(body, where, { partial = false } = {}) {
	const errors = [];
	if (typeOf(body) !== 'object') return [`${where}: must be an object`];
	const types = schemas['dns-records_type'].enum;
	if (body.type === undefined) {
		if (!partial) errors.push(`${where}.type: is required`);
	} else if (!types.includes(body.type)) {
		errors.push(`${where}.type: must be one of ${types.join(', ')}`);
		return errors;
	}
	const schema = schemas[`dns-records_${body.type}Record`] || schemas['dns-records_dns-record-shared-fields'];
	check(body, schema, where, errors);
	if (!partial) {
		if (body.name === undefined) errors.push(`${where}.name: is required`);
		if (body.content === undefined && !body.data) errors.push(`${where}.content: is required`);
	}
	return errors;
}

function checkBatch(body) {
	const errors = check(body, schemas['dns-records_dns-request-batch-object'], 'body', []);
	if (errors.length) return errors;
	for (const d of body.deletes || []) if (typeof d.id !== 'string') errors.push('deletes[].id: is required');
	(body.patches || []).forEach((p, i) => {
		if (typeof p.id !== 'string') errors.push(`patches[${i}].id: is required`);
		errors.push(...checkRecord(p, `patches[${i}]`, { partial: true }));
	});
	(body.puts || []).forEach((p, i) => {
		if (typeof p.id !== 'string') errors.push(`puts[${i}].id: is required`);
		errors.push(...checkRecord(p, `puts[${i}]`));
	});
	(body.posts || []).forEach((p, i) => errors.push(...checkRecord(p, `posts[${i}]`)));
	return errors;
}

// Query parameters of an operation (operations[op].parameters, in: query).
function checkQuery(op, query) {
	const errors = [];
	for (const p of doc.operations[op].parameters || []) {
		const param = p.$ref ? doc.components.parameters[p.$ref.split('/').pop()] : p;
		if (param.in !== 'query' || query[param.name] === undefined) continue;
		let v = query[param.name];
		if (Array.isArray(v)) {
			errors.push(`${param.name}: given more than once`);
			continue;
		}
		const s = param.schema.$ref ? resolve(param.schema.$ref) : param.schema;
		if (s && (s.type === 'number' || s.type === 'integer')) {
			if (!/^-?\d+(\.\d+)?$/.test(v)) {
				errors.push(`${param.name}: must be a number`);
				continue;
			}
			v = Number(v);
		} else if (s && s.type === 'boolean') {
			if (v !== 'true' && v !== 'false') {
				errors.push(`${param.name}: must be true or false`);
				continue;
			}
			v = v === 'true';
		}
		check(v, s, param.name, errors);
	}
	return errors;
}

module.exports = { check, checkRecord, checkBatch, checkQuery, schemas, operations: doc.operations };
