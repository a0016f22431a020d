/*
 * Lenient JSON readers for provider answers (include/puqkvm/http.h).
 *
 * Proxmox serialises Perl scalars, so one field can arrive as 100 in one version and
 * "100" in the next (/cluster/nextid, memory since qemu-server 8.0.8), and booleans as
 * 0/1. These helpers accept a number or a numeric string wherever a number is expected,
 * and nothing else: "12abc", "", " 1", non-finite numbers and integers that do not fit
 * are refused rather than half-read, so a changed API shows up as a clear error.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "http_internal.h"

/* A decimal integer: optional '-', at least one digit, nothing else. */
static bool parse_int_text(const char *s, long long *out)
{
	const char *d = s[0] == '-' ? s + 1 : s;
	if (*d < '0' || *d > '9')
		return false;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno == ERANGE || *end != '\0')
		return false;
	*out = v;
	return true;
}

/* A decimal number as JSON writes one (digits, '.', exponent); finite. */
static bool parse_number_text(const char *s, double *out)
{
	const char *d = s[0] == '-' ? s + 1 : s;
	if ((*d < '0' || *d > '9') && !(*d == '.' && d[1] >= '0' && d[1] <= '9'))
		return false;
	for (const char *c = d; *c; c++)
		if (!((*c >= '0' && *c <= '9') || *c == '.' || *c == 'e' || *c == 'E' ||
			    *c == '+' || *c == '-'))
			return false;
	errno = 0;
	char *end;
	double v = strtod(s, &end);
	if (*end != '\0' || errno == ERANGE || !isfinite(v))
		return false;
	*out = v;
	return true;
}

bool puq_json_as_int(const json_t *v, long long *out)
{
	if (!v)
		return false;
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return true;
	}
	if (json_is_real(v)) {
		/* 2^63 as a double; anything at or beyond it does not fit a long long */
		double d = json_real_value(v);
		if (d != floor(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0)
			return false;
		*out = (long long)d;
		return true;
	}
	if (json_is_string(v))
		return parse_int_text(json_string_value(v), out);
	return false;
}

bool puq_json_as_number(const json_t *v, double *out)
{
	if (!v)
		return false;
	if (json_is_number(v)) {
		*out = json_number_value(v);
		return true;
	}
	if (json_is_string(v))
		return parse_number_text(json_string_value(v), out);
	return false;
}

bool puq_json_int(const json_t *obj, const char *key, long long *out)
{
	return json_is_object(obj) && puq_json_as_int(json_object_get(obj, key), out);
}

bool puq_json_number(const json_t *obj, const char *key, double *out)
{
	return json_is_object(obj) && puq_json_as_number(json_object_get(obj, key), out);
}

const char *puq_json_str(const json_t *obj, const char *key)
{
	return json_is_object(obj) ? json_string_value(json_object_get(obj, key)) : NULL;
}

bool puq_json_bool(const json_t *obj, const char *key, bool dflt)
{
	const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
	if (!v)
		return dflt;
	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);
		return i == 1 ? true : i == 0 ? false : dflt;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		if (strcmp(s, "1") == 0 || strcmp(s, "true") == 0)
			return true;
		if (strcmp(s, "0") == 0 || strcmp(s, "false") == 0)
			return false;
	}
	return dflt;
}

json_t *puq_http_response_json(const struct puq_http_response *resp, struct puq_error *err)
{
	if (!resp || resp->error) {
		puq_error_set(err, PUQ_EPROTO, "no response to read JSON from%s%s",
			resp && resp->error_text[0] ? ": " : "", resp ? resp->error_text : "");
		return NULL;
	}
	json_error_t jerr;
	json_t *j = json_loadb(resp->body ? resp->body : "", resp->body_len,
		JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (!j)
		puq_error_set(err, PUQ_EPROTO,
			"the answer (HTTP %ld, %zu bytes%s%s) is not JSON: %s at line %d column %d",
			resp->status, resp->body_len, resp->content_type ? ", " : "",
			resp->content_type ? resp->content_type : "", jerr.text, jerr.line,
			jerr.column);
	return j;
}
