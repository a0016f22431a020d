/*
 * Proxmox VE requests: the path, the query and the form body, built without I/O.
 *
 * Proxmox parses application/x-www-form-urlencoded bodies itself and is stricter and
 * odder than most servers: pairs are split on '&' and ';', a second unencoded '=' cuts
 * the value, '+' is not a space everywhere. So every key and value is percent-encoded
 * here (RFC 3986 unreserved characters kept), booleans are written 0/1, and values of
 * the schema format "urlencoded" (sshkeys) are encoded once for the schema and once
 * more for the form. GET and DELETE carry parameters in the query string only (a body
 * on them is answered 501).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "puqkvm/pve.h"

int puq_pve_req_init(struct puq_pve_req *r, const char *method, const char *path_fmt, ...)
{
	memset(r, 0, sizeof(*r));
	puq_strlcpy(r->method, method, sizeof(r->method));
	puq_buf_init(&r->path);
	puq_buf_init(&r->query);
	puq_buf_init(&r->form);
	r->timeout = PUQ_PVE_TIMEOUT_DEFAULT;

	/* %s arguments are path segments: encode each, so '/' inside a volid stays data */
	va_list ap;
	va_start(ap, path_fmt);
	for (const char *p = path_fmt; *p; p++) {
		if (p[0] == '%' && p[1] == 's') {
			const char *seg = va_arg(ap, const char *);
			puq_buf_urlencode(&r->path, seg ? seg : "", seg ? strlen(seg) : 0);
			p++;
		} else if (p[0] == '%' && p[1] == 'l' && p[2] == 'l' && p[3] == 'd') {
			puq_buf_printf(&r->path, "%lld", va_arg(ap, long long));
			p += 3;
		} else {
			puq_buf_putc(&r->path, *p);
		}
	}
	va_end(ap);
	return puq_buf_failed(&r->path) ? -PUQ_ENOMEM : 0;
}

void puq_pve_req_free(struct puq_pve_req *r)
{
	if (!r)
		return;
	puq_buf_free(&r->path);
	puq_buf_free(&r->query);
	/* a login body holds a password: wipe it before the memory is reused */
	if (r->sensitive && r->form.data)
		memset(r->form.data, 0, r->form.cap);
	puq_buf_free(&r->form);
}

static struct puq_buf *params(struct puq_pve_req *r)
{
	return strcmp(r->method, "GET") == 0 || strcmp(r->method, "DELETE") == 0 ? &r->query
																			 : &r->form;
}

static void put_raw(struct puq_pve_req *r, const char *key, const char *encoded)
{
	struct puq_buf *b = params(r);
	if (b->len)
		puq_buf_putc(b, '&');
	puq_buf_urlencode(b, key, strlen(key));
	puq_buf_putc(b, '=');
	puq_buf_puts(b, encoded);
}

void puq_pve_req_str(struct puq_pve_req *r, const char *key, const char *value)
{
	struct puq_buf enc = PUQ_BUF_INIT;
	puq_buf_urlencode(&enc, value ? value : "", value ? strlen(value) : 0);
	if (puq_buf_failed(&enc))
		params(r)->failed = true;
	else
		put_raw(r, key, puq_buf_cstr(&enc));
	puq_buf_free(&enc);
}

void puq_pve_req_int(struct puq_pve_req *r, const char *key, long long value)
{
	char num[24];
	snprintf(num, sizeof(num), "%lld", value);
	put_raw(r, key, num);
}

void puq_pve_req_bool(struct puq_pve_req *r, const char *key, bool value)
{
	put_raw(r, key, value ? "1" : "0");
}

void puq_pve_req_urlencoded(struct puq_pve_req *r, const char *key, const char *value)
{
	struct puq_buf once = PUQ_BUF_INIT;
	puq_buf_urlencode(&once, value ? value : "", value ? strlen(value) : 0);
	if (puq_buf_failed(&once))
		params(r)->failed = true;
	else
		puq_pve_req_str(r, key, puq_buf_cstr(&once));
	puq_buf_free(&once);
}

int puq_pve_req_check(const struct puq_pve_req *r, struct puq_error *err)
{
	if (puq_buf_failed(&r->path) || puq_buf_failed(&r->query) || puq_buf_failed(&r->form))
		return puq_error_set(err, PUQ_ENOMEM, "out of memory building a Proxmox request");
	return 0;
}
