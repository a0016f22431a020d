/*
 * Proxmox VE answers: the {"data": ...} envelope, error extraction and the lenient JSON
 * readers every interpreter uses.
 *
 * Error text follows research/apis.md 1.3: since pve-http-server 5.2.0 the body carries
 * "message"; before, the text was only in the reason phrase, so both are read. A 400
 * adds an "errors" map (parameter -> problem), appended as "key: value". The code tells
 * callers what to do: retry later (locked), fix the token (privilege), treat as gone
 * (does not exist), or report.
 *
 * Numbers: Proxmox's Perl scalars serialise as numbers or strings depending on their
 * history ("100" from nextid, memory as "2048" since 8.1, cpulimit "1.5"), so every
 * numeric read accepts both.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "puqkvm/pve.h"

bool puq_pve_json_int(const json_t *v, long long *out)
{
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return true;
	}
	if (json_is_real(v)) {
		double d = json_real_value(v);
		if (d != floor(d) || fabs(d) > 9.2e18)
			return false;
		*out = (long long)d;
		return true;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		if (!*s || isspace((unsigned char)*s))
			return false;
		errno = 0;
		long long n = strtoll(s, &end, 10);
		if (errno || *end)
			return false;
		*out = n;
		return true;
	}
	return false;
}

bool puq_pve_json_number(const json_t *v, double *out)
{
	if (json_is_number(v)) {
		*out = json_number_value(v);
		return true;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		if (!*s || isspace((unsigned char)*s))
			return false;
		errno = 0;
		double d = strtod(s, &end);
		if (errno || *end || !isfinite(d))
			return false;
		*out = d;
		return true;
	}
	return false;
}

bool puq_pve_get_int(const json_t *obj, const char *key, long long *out)
{
	return puq_pve_json_int(json_object_get(obj, key), out);
}

bool puq_pve_get_number(const json_t *obj, const char *key, double *out)
{
	return puq_pve_json_number(json_object_get(obj, key), out);
}

const char *puq_pve_get_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

bool puq_pve_get_bool(const json_t *obj, const char *key, bool dflt)
{
	const json_t *v = json_object_get(obj, key);
	long long n;
	if (json_is_boolean(v))
		return json_is_true(v);
	if (puq_pve_json_int(v, &n))
		return n != 0;
	return dflt;
}

/* Copies at most n bytes of s without leading/trailing white space. */
static void append_trimmed(char *dst, size_t dstsize, const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	size_t len = strlen(dst);
	if (len + 1 >= dstsize)
		return;
	if (n > dstsize - len - 1)
		n = dstsize - len - 1;
	memcpy(dst + len, s, n);
	dst[len + n] = '\0';
}

static int classify(long status, const char *text)
{
	if (status == 401)
		return PUQ_EAUTH;
	if (status == 403)
		return PUQ_EPVEPERM;
	if (status == 400)
		return PUQ_EPVEPARAM;
	if (status == 595 || status == 596)
		return PUQ_EHTTP;
	if (strstr(text, "does not exist") || strstr(text, "no such VM"))
		return PUQ_EPVENOTFOUND;
	if (strstr(text, "VM is locked") || strstr(text, "can't lock file") ||
		strstr(text, "got lock request timeout") || strstr(text, "got lock timeout"))
		return PUQ_EPVELOCKED;
	return PUQ_EPVE;
}

static void errors_map(json_t *errors, char *text, size_t size)
{
	const char *key;
	json_t *v;
	json_object_foreach(errors, key, v)
	{
		const char *msg = json_string_value(v);
		size_t len = strlen(text);
		if (len + 4 >= size)
			return;
		snprintf(text + len, size - len, "%s%s: ", len ? "; " : "", key);
		if (msg)
			append_trimmed(text, size, msg, strlen(msg));
	}
}

int puq_pve_result(long status, const char *reason, const char *body, size_t body_len,
	json_t **data, struct puq_error *err)
{
	json_error_t jerr;
	json_t *root = body && body_len ? json_loadb(body, body_len, 0, &jerr) : NULL;
	*data = NULL;

	if (status == 200) {
		json_t *d = json_object_get(root, "data");
		if (!json_is_object(root)) {
			json_decref(root);
			int rc = puq_error_set(err, PUQ_EPROTO,
				"Proxmox VE answered 200 without a {\"data\": ...} JSON body");
			if (err)
				err->http_status = (int)status;
			return rc;
		}
		*data = d ? json_incref(d) : json_null();
		json_decref(root);
		return 0;
	}

	char text[PUQ_ERROR_TEXT_MAX] = "";
	const char *msg = json_string_value(json_object_get(root, "message"));
	if (msg && *msg)
		append_trimmed(text, sizeof(text), msg, strlen(msg));
	else if (reason && *reason)
		append_trimmed(text, sizeof(text), reason, strlen(reason));
	json_t *errors = json_object_get(root, "errors");
	if (json_is_object(errors) && json_object_size(errors)) {
		size_t len = strlen(text);
		if (len && len + 1 < sizeof(text)) {
			text[len] = ' ';
			text[len + 1] = '\0';
		}
		errors_map(errors, text + strlen(text), sizeof(text) - strlen(text));
	}
	if (!*text)
		snprintf(text, sizeof(text), "HTTP %ld", status);
	json_decref(root);

	int code = classify(status, text);
	int rc = puq_error_set(err, code, "Proxmox VE: HTTP %ld %s", status, text);
	if (err)
		err->http_status = (int)status;
	return rc;
}

int puq_pve_parse_nextid(const json_t *data, long long *vmid, struct puq_error *err)
{
	if (!puq_pve_json_int(data, vmid) || *vmid < 100)
		return puq_error_set(err, PUQ_EPROTO, "Proxmox VE: /cluster/nextid gave no VMID");
	return 0;
}
