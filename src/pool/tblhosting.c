/*
 * The WHMCS view of a service's addresses: tblhosting.dedicatedip and assignedips.
 *
 * WHMCS shows, searches and emails these fields, and other modules and reports read
 * them, so they are rewritten from the allocation rows inside every transaction that
 * changes what a service holds - never separately, so they cannot disagree with the
 * pools. dedicatedip is the main address (the main IPv4, or the main IPv6 for an
 * IPv6-only service); assignedips lists every other address, IPv4 first, each family
 * in address order, one per line, IPv6 fully expanded as the addon manual shows.
 */
#include "internal.h"

int puq_pool_write_tblhosting(struct puq_db *db, long long service_id,
	struct puq_error *err)
{
	struct puq_db_rows *rows = NULL;
	/* main first, then IPv4 before IPv6, each in address order */
	int rc = puq_db_query(db, err,
		"SELECT family, address, is_main FROM " ALLOC_TABLE
		" WHERE service_id = ? AND live = 1 ORDER BY is_main DESC, family, address",
		PUQ_ARGS(PUQ_INT(service_id)), &rows);
	if (rc < 0)
		return rc;

	struct puq_buf dedicated = PUQ_BUF_INIT, assigned = PUQ_BUF_INIT;
	bool have_main = false;
	for (size_t i = 0; i < rows->nrows; i++) {
		struct puq_ip ip;
		char text[PUQ_IP_TEXT_MAX];
		enum puq_ip_family f = puq_db_cell_int(rows, i, 0, 4) == 6 ? PUQ_IP_V6 : PUQ_IP_V4;
		if (puq_db_cell_len(rows, i, 1) != 16 ||
			puq_ip_from_bytes(f, (const unsigned char *)puq_db_cell(rows, i, 1), &ip) != 0)
			continue;
		puq_ip_format(&ip, PUQ_IP_EXPANDED, text);
		if (!have_main && puq_db_cell_int(rows, i, 2, 0)) {
			puq_buf_puts(&dedicated, text);
			have_main = true;
			continue;
		}
		if (assigned.len)
			puq_buf_putc(&assigned, '\n');
		puq_buf_puts(&assigned, text);
	}
	puq_db_rows_free(rows);

	if (puq_buf_failed(&dedicated) || puq_buf_failed(&assigned)) {
		rc = puq_error_set(err, PUQ_ENOMEM, NULL);
	} else {
		rc = puq_db_exec(db, err,
			"UPDATE tblhosting SET dedicatedip = ?, assignedips = ? WHERE id = ?",
			PUQ_ARGS(PUQ_TEXT(puq_buf_cstr(&dedicated)), PUQ_TEXT(puq_buf_cstr(&assigned)),
				PUQ_INT(service_id)),
			NULL);
	}
	puq_buf_free(&dedicated);
	puq_buf_free(&assigned);
	return rc < 0 ? rc : 0;
}
