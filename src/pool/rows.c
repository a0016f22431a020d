/*
 * Rows of the pool tables into structs and back: decoding a pool or an allocation row,
 * the text form of optional addresses, and the owned lists the public API returns.
 *
 * Addresses are stored twice per row on purpose: as binary(16) for ordering, ranges
 * and the UNIQUE key, and as text (IPv4 dotted, IPv6 expanded - the form tblhosting
 * and vm_rev_dns use) so that admins and other tools can read the tables directly.
 * Decoding trusts the binary column and the family; text columns are parsed for the
 * settings (gateway, DNS) that have no binary twin.
 */
#include <strings.h>

#include "internal.h"

void puq_pool_ip_text(const struct puq_ip *ip, enum puq_ip_style style,
	char out[PUQ_IP_TEXT_MAX])
{
	if (ip->family == PUQ_IP_ANY)
		out[0] = '\0';
	else
		puq_ip_format(ip, style, out);
}

int puq_pool_ip_column(const char *text, struct puq_ip *out, struct puq_error *err)
{
	struct puq_error why;
	if (!text || !*text) {
		out->family = PUQ_IP_ANY;
		out->value = 0;
		return 0;
	}
	puq_error_clear(&why);
	if (puq_ip_parse_cstr(text, PUQ_IP_ANY, out, &why) != 0)
		return puq_error_set(err, PUQ_EINTERNAL,
			"a stored address cannot be read (%s); edit the pool to correct it", why.text);
	return 0;
}

static const char *cell(const struct puq_db_rows *r, size_t row, size_t col)
{
	const char *c = puq_db_cell(r, row, col);
	return c ? c : "";
}

int puq_pool_decode(const struct puq_db_rows *r, size_t row, size_t col,
	struct puq_pool_info *out, struct puq_error *err)
{
	struct puq_pool *p = &out->pool;
	memset(out, 0, sizeof(*out));
	p->id = puq_db_cell_int(r, row, col + 0, 0);
	p->server_id = puq_db_cell_int(r, row, col + 1, 0);
	p->family = strcasecmp(cell(r, row, col + 2), "ipv6") == 0 ? PUQ_IP_V6 : PUQ_IP_V4;
	puq_strlcpy(p->bridge, cell(r, row, col + 3), sizeof(p->bridge));
	p->vlan = (int)puq_db_cell_int(r, row, col + 4, 0);
	p->mask = (unsigned)puq_db_cell_int(r, row, col + 6, 0);

	out->used = puq_ip_count_of((puq_u128)puq_db_cell_int(r, row, col + 11, 0));
	if (puq_ip_parse_cstr(cell(r, row, col + 5), p->family, &p->gateway, NULL) != 0 ||
		puq_ip_parse_cstr(cell(r, row, col + 9), p->family, &p->start, NULL) != 0 ||
		puq_ip_parse_cstr(cell(r, row, col + 10), p->family, &p->stop, NULL) != 0 ||
		puq_ip_cmp(&p->start, &p->stop) > 0 || !puq_ip_prefix_valid(p->family, (int)p->mask)) {
		/* listed so that it can be corrected, never used */
		struct puq_ip unset = {PUQ_IP_ANY, 0};
		p->gateway = p->start = p->stop = unset;
		out->unreadable = true;
		return 0;
	}
	/* optional columns: an unreadable DNS server is left out rather than failing */
	if (puq_pool_ip_column(cell(r, row, col + 7), &p->dns1, NULL) < 0)
		p->dns1.family = PUQ_IP_ANY;
	if (puq_pool_ip_column(cell(r, row, col + 8), &p->dns2, NULL) < 0)
		p->dns2.family = PUQ_IP_ANY;
	(void)err;
	out->total = puq_ip_count_range(&p->start, &p->stop);
	return 0;
}

int puq_address_decode(const struct puq_db_rows *r, size_t row, size_t col,
	struct puq_address *out, struct puq_error *err)
{
	memset(out, 0, sizeof(*out));
	out->id = puq_db_cell_int(r, row, col + 0, 0);
	out->service_id = puq_db_cell_int(r, row, col + 1, 0);
	out->server_id = puq_db_cell_int(r, row, col + 2, 0);
	out->pool_id = puq_db_cell_int(r, row, col + 3, 0);
	enum puq_ip_family family = puq_db_cell_int(r, row, col + 4, 0) == 6 ? PUQ_IP_V6
	                                                                     : PUQ_IP_V4;
	if (puq_db_cell_len(r, row, col + 5) != 16 ||
		puq_ip_from_bytes(family, (const unsigned char *)puq_db_cell(r, row, col + 5),
			&out->ip) != 0)
		return puq_error_set(err, PUQ_EINTERNAL,
			"allocation %lld has an unreadable address", out->id);
	puq_strlcpy(out->bridge, cell(r, row, col + 6), sizeof(out->bridge));
	out->vlan = (int)puq_db_cell_int(r, row, col + 7, 0);
	out->mask = (unsigned)puq_db_cell_int(r, row, col + 8, 0);
	/* Settings copied at allocation time: one that cannot be read (a row written by
	 * hand) is left unset rather than hiding the address. */
	struct puq_ip *settings[3] = {&out->gateway, &out->dns1, &out->dns2};
	for (int k = 0; k < 3; k++)
		if (puq_pool_ip_column(cell(r, row, col + 9 + (size_t)k), settings[k], NULL) < 0)
			settings[k]->family = PUQ_IP_ANY;
	out->main = puq_db_cell_int(r, row, col + 12, 0) != 0;
	out->live = puq_db_cell_int(r, row, col + 13, 0) == 1;
	puq_strlcpy(out->allocated_at, cell(r, row, col + 14), sizeof(out->allocated_at));
	puq_strlcpy(out->released_at, cell(r, row, col + 15), sizeof(out->released_at));
	puq_strlcpy(out->release_reason, cell(r, row, col + 16), sizeof(out->release_reason));
	return 0;
}

int puq_address_list_push(struct puq_address_list *list, const struct puq_address *a,
	struct puq_error *err)
{
	/* Grow by doubling: capacity is the next power of two at or above n. */
	size_t n = list->n;
	if ((n & (n - 1)) == 0) {
		size_t cap = n ? n * 2 : 4;
		if (n && n < 4)
			cap = 4;
		struct puq_address *items = PUQ_REALLOC(list->items, cap * sizeof(*items));
		if (!items)
			return puq_error_set(err, PUQ_ENOMEM, NULL);
		list->items = items;
	}
	list->items[list->n++] = *a;
	return 0;
}

void puq_address_list_free(struct puq_address_list *list)
{
	if (!list)
		return;
	PUQ_FREE(list->items);
	list->items = NULL;
	list->n = 0;
}

void puq_pool_list_free(struct puq_pool_list *list)
{
	if (!list)
		return;
	PUQ_FREE(list->items);
	list->items = NULL;
	list->n = 0;
}

const char *puq_release_reason_name(enum puq_release_reason reason)
{
	switch (reason) {
	case PUQ_RELEASE_TERMINATE:
		return "terminate";
	case PUQ_RELEASE_REDEPLOY:
		return "redeploy";
	case PUQ_RELEASE_PACKAGE:
		return "package";
	case PUQ_RELEASE_ADMIN:
		return "admin";
	}
	return "admin";
}
