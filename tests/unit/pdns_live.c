/* The real PowerDNS for tests and benchmarks (see pdns_live.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdns_live.h"

static void setting(const char *key, char *out, size_t size, const char *dflt)
{
	const char *v = getenv(key);
	snprintf(out, size, "%s", v && *v ? v : dflt);
	if (v && *v)
		return;
	const char *root = getenv("PUQKVM_ROOT");
	char path[600];
	snprintf(path, sizeof(path), "%s/.state/services.env", root && *root ? root : ".");
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[512];
	size_t klen = strlen(key);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) == 0 && line[klen] == '=') {
			line[strcspn(line, "\r\n")] = '\0';
			snprintf(out, size, "%s", line + klen + 1);
			break;
		}
	}
	fclose(f);
}

int pdns_live_open(struct pdns_live *p)
{
	memset(p, 0, sizeof(*p));
	setting("PUQKVM_PDNS_API_URL", p->api_url, sizeof(p->api_url), "");
	setting("PUQKVM_PDNS_API_KEY", p->api_key, sizeof(p->api_key), "");
	setting("PUQKVM_PDNS_DNS_PORT", p->dns_port, sizeof(p->dns_port), "15353");
	if (!p->api_url[0] || !p->api_key[0]) {
		fprintf(stderr, "pdns_live: PUQKVM_PDNS_API_URL/KEY not set and no "
		                ".state/services.env (run scripts/services start)\n");
		return -1;
	}
	struct puq_error err;
	puq_error_clear(&err);
	p->http = puq_http_engine_new(NULL, &err);
	return p->http ? 0 : -1;
}

void pdns_live_close(struct pdns_live *p)
{
	puq_http_engine_free(p->http);
	p->http = NULL;
}

static long call(struct pdns_live *p, const char *method, const char *path, const char *body)
{
	char url[800];
	snprintf(url, sizeof(url), "%s/api/v1/servers/localhost%s", p->api_url, path);
	struct puq_http_request *req = puq_http_request_new(method, url);
	puq_http_request_secret_header(req, "X-API-Key", p->api_key);
	puq_http_request_header(req, "Accept", "application/json");
	if (body)
		puq_http_request_body(req, "application/json", body, strlen(body));
	struct puq_http_response *resp = NULL;
	struct puq_error err;
	puq_error_clear(&err);
	long status = -1;
	if (puq_http_perform(p->http, req, &resp, &err) == 0 && resp)
		status = resp->status;
	if (status >= 300 && !(status == 404 && strcmp(method, "DELETE") == 0))
		fprintf(stderr, "pdns_live: %s %s: %ld %.*s\n", method, path, status,
			(int)(resp->body_len > 300 ? 300 : resp->body_len), resp->body ? resp->body : "");
	puq_http_response_free(resp);
	return status;
}

int pdns_live_zone_create(struct pdns_live *p, const char *zone)
{
	char body[512];
	snprintf(body, sizeof(body),
		"{\"name\":\"%s.\",\"kind\":\"Native\",\"nameservers\":[\"ns1.puqkvm.test.\"]}", zone);
	long s = call(p, "POST", "/zones", body);
	return s == 201 ? 0 : -1;
}

int pdns_live_zone_delete(struct pdns_live *p, const char *zone)
{
	char path[400];
	snprintf(path, sizeof(path), "/zones/%s.", zone);
	long s = call(p, "DELETE", path, NULL);
	return s == 204 ? 0 : -1;
}

int pdns_live_rrset(struct pdns_live *p, const char *zone, const char *name, const char *type,
	const char *content)
{
	char path[400], body[1024];
	snprintf(path, sizeof(path), "/zones/%s.", zone);
	snprintf(body, sizeof(body),
		"{\"rrsets\":[{\"name\":\"%s.\",\"type\":\"%s\",\"ttl\":300,\"changetype\":\"REPLACE\","
		"\"records\":[{\"content\":\"%s\",\"disabled\":false}]}]}",
		name, type, content);
	return call(p, "PATCH", path, body) == 204 ? 0 : -1;
}

int pdns_live_dig(const struct pdns_live *p, const char *name, const char *type, char *out,
	size_t outsz)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "dig @127.0.0.1 -p %s +short +time=2 +tries=1 '%s' %s 2>&1",
		p->dns_port, name, type);
	FILE *f = popen(cmd, "r");
	if (!f)
		return -1;
	size_t n = fread(out, 1, outsz - 1, f);
	out[n] = '\0';
	return pclose(f) == 0 ? 0 : -1;
}
