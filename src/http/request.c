/*
 * HTTP requests and responses as plain data (include/puqkvm/http.h).
 *
 * Drivers build a struct puq_http_request here and read a struct puq_http_response
 * filled by an engine; nothing in this file does I/O. Two habits protect credentials:
 * a header is flagged secret when it is added (explicitly, or because its name is a
 * well-known credential header), and puq_http_request_describe, the only text form of
 * a request meant for logs, masks secret headers, a URL password and credential-looking
 * query parameters. Header names and values are checked for CR/LF so a value taken from
 * a setting can never smuggle in a second header.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#include "puqkvm/buf.h"
#include "http_internal.h"

/* Headers that carry credentials for the APIs we speak, masked however they were added. */
static const char *const credential_headers[] = {
	"authorization", "proxy-authorization", "cookie", "x-api-key", "x-auth-key",
	"x-auth-token", "x-auth-email", "csrfpreventiontoken",
};

/* Query parameter names that look like credentials; matched as substrings. */
static const char *const credential_params[] = {
	"pass", "secret", "token", "key", "hash", "auth", "signature",
};

static bool is_credential_header(const char *name)
{
	for (size_t i = 0; i < PUQ_ARRAY_LEN(credential_headers); i++)
		if (strcasecmp(name, credential_headers[i]) == 0)
			return true;
	return false;
}

static bool contains_nocase(const char *hay, size_t hay_len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= hay_len; i++)
		if (strncasecmp(hay + i, needle, n) == 0)
			return true;
	return false;
}

static bool is_credential_param(const char *name, size_t len)
{
	for (size_t i = 0; i < PUQ_ARRAY_LEN(credential_params); i++)
		if (contains_nocase(name, len, credential_params[i]))
			return true;
	return false;
}

struct puq_http_request *puq_http_request_new(const char *method, const char *url)
{
	size_t mlen = method ? strlen(method) : 0;
	if (mlen == 0 || mlen >= sizeof(((struct puq_http_request *)0)->method) || !url)
		return NULL;
	for (size_t i = 0; i < mlen; i++)
		if (method[i] < 'A' || method[i] > 'Z')
			return NULL;
	struct puq_http_request *r = PUQ_CALLOC(1, sizeof(*r));
	if (!r)
		return NULL;
	memcpy(r->method, method, mlen + 1);
	r->url = puq_strdup(url);
	if (!r->url) {
		PUQ_FREE(r);
		return NULL;
	}
	return r;
}

void puq_http_request_free(struct puq_http_request *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nheaders; i++) {
		PUQ_FREE(r->headers[i].name);
		PUQ_FREE(r->headers[i].value);
	}
	PUQ_FREE(r->headers);
	PUQ_FREE(r->url);
	PUQ_FREE(r->body);
	PUQ_FREE(r);
}

static bool header_text_ok(const char *s, bool is_name)
{
	if (is_name && !*s)
		return false;
	for (; *s; s++) {
		if (*s == '\r' || *s == '\n')
			return false;
		if (is_name && (*s == ':' || *s == ' ' || *s == '\t'))
			return false;
	}
	return true;
}

static int add_header(struct puq_http_request *r, const char *name, const char *value,
	bool secret)
{
	if (!r || !name || !value || !header_text_ok(name, true) || !header_text_ok(value, false))
		return -PUQ_EINVAL;
	char *v = puq_strdup(value);
	if (!v)
		return -PUQ_ENOMEM;
	secret = secret || is_credential_header(name);
	for (size_t i = 0; i < r->nheaders; i++) {
		if (strcasecmp(r->headers[i].name, name) == 0) {
			PUQ_FREE(r->headers[i].value);
			r->headers[i].value = v;
			r->headers[i].secret = r->headers[i].secret || secret;
			return 0;
		}
	}
	char *n = puq_strdup(name);
	struct puq_http_header *h =
		n ? PUQ_REALLOC(r->headers, (r->nheaders + 1) * sizeof(*h)) : NULL;
	if (!h) {
		PUQ_FREE(n);
		PUQ_FREE(v);
		return -PUQ_ENOMEM;
	}
	r->headers = h;
	h[r->nheaders++] = (struct puq_http_header){.name = n, .value = v, .secret = secret};
	return 0;
}

int puq_http_request_header(struct puq_http_request *r, const char *name, const char *value)
{
	return add_header(r, name, value, false);
}

int puq_http_request_secret_header(struct puq_http_request *r, const char *name,
	const char *value)
{
	return add_header(r, name, value, true);
}

int puq_http_request_body(struct puq_http_request *r, const char *content_type,
	const void *body, size_t len)
{
	if (!r || (!body && len))
		return -PUQ_EINVAL;
	char *copy = PUQ_MALLOC(len + 1);
	if (!copy)
		return -PUQ_ENOMEM;
	if (len)
		memcpy(copy, body, len);
	copy[len] = '\0';
	if (content_type) {
		int rc = add_header(r, "Content-Type", content_type, false);
		if (rc < 0) {
			PUQ_FREE(copy);
			return rc;
		}
	}
	PUQ_FREE(r->body);
	r->body = copy;
	r->body_len = len;
	return 0;
}

int puq_http_request_json(struct puq_http_request *r, const json_t *json)
{
	if (!r || !json)
		return -PUQ_EINVAL;
	const size_t flags = JSON_COMPACT | JSON_ENCODE_ANY;
	size_t len = json_dumpb(json, NULL, 0, flags);
	if (len == 0)
		return -PUQ_EINVAL;
	char *text = PUQ_MALLOC(len);
	if (!text)
		return -PUQ_ENOMEM;
	json_dumpb(json, text, len, flags);
	int rc = puq_http_request_body(r, "application/json", text, len);
	PUQ_FREE(text);
	return rc;
}

/* Appends url with the password of its userinfo and credential query values masked. */
static void describe_url(struct puq_buf *b, const char *url)
{
	const char *p = url;
	const char *scheme_end = strstr(url, "://");
	if (scheme_end) {
		const char *auth = scheme_end + 3;
		size_t auth_len = strcspn(auth, "/?#");
		const char *at = memchr(auth, '@', auth_len);
		if (at) {
			const char *colon = memchr(auth, ':', (size_t)(at - auth));
			puq_buf_append(b, url, (size_t)(auth - url));
			if (colon) {
				puq_buf_append(b, auth, (size_t)(colon - auth));
				puq_buf_puts(b, ":***");
			} else {
				puq_buf_append(b, auth, (size_t)(at - auth));
			}
			p = at;
		}
	}
	const char *q = strchr(p, '?');
	if (!q) {
		puq_buf_puts(b, p);
		return;
	}
	puq_buf_append(b, p, (size_t)(q + 1 - p));
	const char *s = q + 1;
	while (*s && *s != '#') {
		size_t pair = strcspn(s, "&#");
		const char *eq = memchr(s, '=', pair);
		if (eq && is_credential_param(s, (size_t)(eq - s))) {
			puq_buf_append(b, s, (size_t)(eq + 1 - s));
			puq_buf_puts(b, "***");
		} else {
			puq_buf_append(b, s, pair);
		}
		s += pair;
		if (*s == '&')
			puq_buf_putc(b, *s++);
	}
	puq_buf_puts(b, s);
}

char *puq_http_request_describe(const struct puq_http_request *r)
{
	if (!r)
		return NULL;
	struct puq_buf b = PUQ_BUF_INIT;
	puq_buf_puts(&b, r->method);
	puq_buf_putc(&b, ' ');
	describe_url(&b, r->url);
	for (size_t i = 0; i < r->nheaders; i++) {
		const struct puq_http_header *h = &r->headers[i];
		bool secret = h->secret || is_credential_header(h->name);
		puq_buf_printf(&b, "\n%s: %s", h->name, secret ? "***" : h->value);
	}
	return puq_buf_steal(&b);
}

/* ---- responses ----------------------------------------------------------------------- */

struct puq_http_response *puq_http_response_new(void)
{
	return PUQ_CALLOC(1, sizeof(struct puq_http_response));
}

void puq_http_response_free(struct puq_http_response *resp)
{
	if (!resp)
		return;
	PUQ_FREE(resp->body);
	PUQ_FREE(resp->content_type);
	PUQ_FREE(resp->reason);
	PUQ_FREE(resp);
}

char *puq_http_response_steal_body(struct puq_http_response *resp, size_t *len)
{
	if (!resp)
		return NULL;
	char *body = resp->body;
	if (len)
		*len = resp->body_len;
	resp->body = NULL;
	resp->body_len = 0;
	if (!body)
		body = puq_strdup("");
	return body;
}

void puq_http_response_fail(struct puq_http_response *resp, int code, const char *fmt, ...)
{
	va_list ap;
	resp->status = 0;
	resp->error = code < 0 ? -code : code;
	va_start(ap, fmt);
	vsnprintf(resp->error_text, sizeof(resp->error_text), fmt, ap);
	va_end(ap);
}

const char *puq_http_status_phrase(long status)
{
	static const struct {
		long status;
		const char *phrase;
	} phrases[] = {
		{100, "Continue"}, {200, "OK"}, {201, "Created"}, {202, "Accepted"},
		{204, "No Content"}, {301, "Moved Permanently"}, {302, "Found"},
		{304, "Not Modified"}, {400, "Bad Request"}, {401, "Unauthorized"},
		{403, "Forbidden"}, {404, "Not Found"}, {405, "Method Not Allowed"},
		{408, "Request Timeout"}, {409, "Conflict"}, {413, "Payload Too Large"},
		{415, "Unsupported Media Type"}, {422, "Unprocessable Entity"},
		{429, "Too Many Requests"}, {500, "Internal Server Error"},
		{501, "Not Implemented"}, {502, "Bad Gateway"}, {503, "Service Unavailable"},
		{504, "Gateway Timeout"},
	};
	for (size_t i = 0; i < PUQ_ARRAY_LEN(phrases); i++)
		if (phrases[i].status == status)
			return phrases[i].phrase;
	return "";
}

/* Length of the scheme://authority part of url without userinfo, and where host starts. */
static bool split_origin(const char *url, size_t *scheme_len, const char **host,
	size_t *host_len, const char **port, size_t *port_len)
{
	const char *sep = strstr(url, "://");
	if (!sep || sep == url)
		return false;
	*scheme_len = (size_t)(sep - url);
	const char *auth = sep + 3;
	size_t auth_len = strcspn(auth, "/?#");
	const char *at = NULL;
	for (size_t i = 0; i < auth_len; i++)
		if (auth[i] == '@')
			at = auth + i;
	if (at) {
		auth_len -= (size_t)(at + 1 - auth);
		auth = at + 1;
	}
	const char *colon = NULL;
	if (auth_len && auth[0] == '[') {
		const char *close = memchr(auth, ']', auth_len);
		if (!close)
			return false;
		if ((size_t)(close + 1 - auth) < auth_len && close[1] == ':')
			colon = close + 1;
	} else {
		colon = memchr(auth, ':', auth_len);
	}
	*host = auth;
	*host_len = colon ? (size_t)(colon - auth) : auth_len;
	*port = colon ? colon + 1 : NULL;
	*port_len = colon ? auth_len - (size_t)(colon + 1 - auth) : 0;
	return *host_len > 0;
}

bool puq_http_url_origin(const char *url, char *out, size_t outsz)
{
	size_t scheme_len, host_len, port_len;
	const char *host, *port;
	if (!url || !split_origin(url, &scheme_len, &host, &host_len, &port, &port_len))
		return false;
	char scheme[16];
	if (scheme_len >= sizeof(scheme))
		return false;
	for (size_t i = 0; i < scheme_len; i++)
		scheme[i] = (char)tolower((unsigned char)url[i]);
	scheme[scheme_len] = '\0';
	const char *dflt = strcmp(scheme, "https") == 0 ? "443" : "80";
	int n = snprintf(out, outsz, "%s://%.*s:%.*s", scheme, (int)host_len, host,
		port_len ? (int)port_len : (int)strlen(dflt), port_len ? port : dflt);
	if (n < 0 || (size_t)n >= outsz)
		return false;
	for (char *c = out; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return true;
}

int puq_http_response_check(const struct puq_http_request *req,
	const struct puq_http_response *resp, struct puq_error *err)
{
	if (!resp)
		return puq_error_set(err, PUQ_EINTERNAL, "no response");
	/* redirects are never followed, so a 3xx means the request was not served */
	if (!resp->error && resp->status >= 200 && resp->status < 300)
		return 0;
	/* scheme://authority/path, without userinfo, query or fragment */
	char where[320] = "";
	if (req && req->url) {
		size_t scheme_len, host_len, port_len;
		const char *host, *port;
		if (split_origin(req->url, &scheme_len, &host, &host_len, &port, &port_len)) {
			const char *path = host + host_len + (port ? port_len + 1 : 0);
			size_t path_len = strcspn(path, "?#");
			snprintf(where, sizeof(where), "%s %.*s://%.*s%s%.*s%.*s", req->method,
				(int)scheme_len, req->url, (int)host_len, host, port ? ":" : "",
				(int)port_len, port ? port : "", (int)path_len, path);
		}
	}
	int rc;
	if (resp->error) {
		rc = puq_error_set(err, resp->error, "%s%s%s", where, where[0] ? ": " : "",
			resp->error_text[0] ? resp->error_text : puq_error_message(resp->error));
	} else {
		const char *reason = resp->reason && resp->reason[0] ? resp->reason
		                                                     : puq_http_status_phrase(resp->status);
		rc = puq_error_set(err, PUQ_EHTTPSTATUS, "%s%sHTTP %ld%s%s", where,
			where[0] ? ": " : "", resp->status, reason[0] ? " " : "", reason);
	}
	if (err)
		err->http_status = (int)resp->status;
	return rc;
}
