/*
 * The VM Management list: filters, search, sorting and keyset pagination over the VM
 * rows, joined to WHMCS's service, client, product and server by primary key.
 *
 * Every sort walks an index of puqProxmoxKVM_vm_info whose last column is the primary
 * key (InnoDB appends it to every secondary index), ordered by (sort column,
 * service_id): a page starts right after the cursor's (value, id) and reads limit + 1
 * rows, so its cost does not depend on how many rows come before it. The filters have
 * indexes of their own for the default sort (list_status, vm_status and both), so the
 * default view with either filter is an index range too. Search is a condition on the
 * same walk: an id or VMID, an address (exact through the allocations' unique key,
 * partial through their text), or part of the client, product, server or VM name.
 *
 * A cursor is "<n|p>.<sort>.<a|d>.<service id>.<hex of the sort value>": n continues
 * after the row, p goes back before it. It is checked against the query it is used
 * with, so a cursor of another sort is refused rather than misread.
 *
 * Rows show the live WHMCS values; a row whose copies differ from them (WHMCS changed
 * something no hook reported) is re-synced after the page is read. Each row also carries
 * the buttons its status shows (puq_vmlist_rules_for); the actions behind them are
 * vmadmin's, which re-check the rule themselves.
 */
#include <ctype.h>
#include <stdio.h>

#include "internal.h"

static const char *const sort_names[] = {
#define PUQ_XX_SORT(id, name) name,
	PUQ_VMLIST_SORTS(PUQ_XX_SORT)
#undef PUQ_XX_SORT
};

/* The column each sort walks (the index names are in src/store/schema.c). */
static const char *const sort_cols[] = {
	[PUQ_VMLIST_SORT_ID] = "v.service_id",
	[PUQ_VMLIST_SORT_CLIENT] = "v.list_client",
	[PUQ_VMLIST_SORT_PRODUCT] = "v.list_product",
	[PUQ_VMLIST_SORT_SERVER] = "v.list_server",
	[PUQ_VMLIST_SORT_VM] = "v.vm_id",
	[PUQ_VMLIST_SORT_VM_STATUS] = "v.vm_status",
	[PUQ_VMLIST_SORT_SERVICE] = "v.list_status",
	[PUQ_VMLIST_SORT_IPS] = "v.list_ip",
};

static const char *const service_statuses[] = {"Pending", "Active", "Suspended", "Terminated",
	"Cancelled", "Fraud", "Completed", NULL};

const char *const *puq_vmlist_service_statuses(void)
{
	return service_statuses;
}

const char *puq_vmlist_sort_name(enum puq_vmlist_sort s)
{
	return (unsigned)s < PUQ_VMLIST_SORT__COUNT ? sort_names[s] : "";
}

int puq_vmlist_sort_parse(const char *name, enum puq_vmlist_sort *out)
{
	for (int i = 0; name && i < PUQ_VMLIST_SORT__COUNT; i++)
		if (strcmp(sort_names[i], name) == 0) {
			*out = (enum puq_vmlist_sort)i;
			return 0;
		}
	return -PUQ_EINVAL;
}

void puq_vmlist_rules_for(const char *vm_status, struct puq_vmlist_rules *out)
{
	const char *s = vm_status ? vm_status : "";
	out->reset = out->log = out->record = true;
	out->redeploy = strcmp(s, "ready") != 0;
	out->delete_record = strcmp(s, "error_terminate") == 0 || strcmp(s, "remove") == 0;
}

void puq_vmlist_query_init(struct puq_vmlist_query *q)
{
	memset(q, 0, sizeof(*q));
	q->sort = PUQ_VMLIST_SORT_ID;
	q->desc = true;
	q->limit = PUQ_VMLIST_PAGE_DEFAULT;
}

/* ---- the statement ------------------------------------------------------------------------ */

#define MAX_PARAMS 16

struct stmt {
	struct puq_buf sql;
	struct puq_db_value params[MAX_PARAMS];
	size_t n;
	/* storage the parameters point into */
	char like[3 * PUQ_VMLIST_SEARCH_MAX + 8];
	char iplike[3 * PUQ_VMLIST_SEARCH_MAX + 8];
	unsigned char addr[16];
	unsigned char key[512];
	size_t keylen;
};

static void param(struct stmt *s, struct puq_db_value v)
{
	if (s->n < MAX_PARAMS)
		s->params[s->n++] = v;
}

/* A parsed cursor. */
struct cursor {
	bool set;
	bool back;          /* p: the page before the row */
	long long id;
	unsigned char value[512];
	size_t len;
};

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int parse_cursor(const struct puq_vmlist_query *q, struct cursor *c, struct puq_error *err)
{
	memset(c, 0, sizeof(*c));
	if (!q->cursor || !*q->cursor)
		return 0;
	const char *s = q->cursor;
	char dir, ad;
	char sort[24];
	int pos = 0;
	long long id;
	if (strlen(s) > 1200 || sscanf(s, "%c.%23[a-z_].%c.%lld.%n", &dir, sort, &ad, &id, &pos) != 4 ||
		pos == 0 || (dir != 'n' && dir != 'p') || (ad != 'a' && ad != 'd') || id <= 0)
		return puq_error_field(err, "cursor", "is not a cursor of this list: reload the page");
	if (strcmp(sort, sort_names[q->sort]) != 0 || (ad == 'd') != q->desc)
		return puq_error_field(err, "cursor", "belongs to another sort order: reload the page");
	const char *hex = s + pos;
	size_t n = strlen(hex);
	if (n % 2 || n / 2 > sizeof(c->value))
		return puq_error_field(err, "cursor", "is not a cursor of this list: reload the page");
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return puq_error_field(err, "cursor", "is not a cursor of this list: reload the page");
		c->value[i] = (unsigned char)(hi << 4 | lo);
	}
	c->len = n / 2;
	c->set = true;
	c->back = dir == 'p';
	c->id = id;
	return 0;
}

/* The value of the cursor as the sort column's type. */
static struct puq_db_value cursor_value(const struct puq_vmlist_query *q, struct stmt *s,
	const struct cursor *c)
{
	memcpy(s->key, c->value, c->len);
	s->keylen = c->len;
	if (q->sort == PUQ_VMLIST_SORT_VM) {
		char tmp[24];
		size_t n = c->len < sizeof(tmp) - 1 ? c->len : sizeof(tmp) - 1;
		memcpy(tmp, c->value, n);
		tmp[n] = '\0';
		return PUQ_INT(atoll(tmp));
	}
	if (q->sort == PUQ_VMLIST_SORT_IPS)
		return PUQ_BLOB(s->key, s->keylen);
	return PUQ_TEXTN((const char *)s->key, s->keylen);
}

/* '%' '_' '\' escaped for LIKE, wrapped in '%'. */
static void like_pattern(const char *term, char *out, size_t size)
{
	size_t o = 0;
	out[o++] = '%';
	for (const char *p = term; *p && o + 3 < size; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			out[o++] = '\\';
		out[o++] = *p;
	}
	out[o++] = '%';
	out[o] = '\0';
}

static bool all_digits(const char *s)
{
	if (!*s || strlen(s) > 10)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Text that could be part of an address: hex digits, '.' and ':' with one of the two. */
static bool address_like(const char *s)
{
	bool sep = false;
	for (; *s; s++) {
		if (*s == '.' || *s == ':')
			sep = true;
		else if (!isxdigit((unsigned char)*s))
			return false;
	}
	return sep;
}

static int validate(const struct puq_vmlist_query *q, char term[PUQ_VMLIST_SEARCH_MAX + 1],
	struct puq_error *err)
{
	term[0] = '\0';
	if (q->service_status && *q->service_status) {
		bool ok = false;
		for (const char *const *st = service_statuses; *st && !ok; st++)
			ok = strcmp(*st, q->service_status) == 0;
		if (!ok)
			puq_error_field(err, "service_status", "must be a WHMCS service status (Pending, "
				"Active, Suspended, Terminated, Cancelled, Fraud, Completed)");
	}
	if (q->vm_status && *q->vm_status && puq_vm_state_parse(q->vm_status) == PUQ_VM_STATE_UNKNOWN)
		puq_error_field(err, "vm_status", "unknown VM status");
	if ((unsigned)q->sort >= PUQ_VMLIST_SORT__COUNT)
		puq_error_field(err, "sort", "unknown column");
	if (q->limit < 1 || q->limit > PUQ_VMLIST_PAGE_MAX)
		puq_error_field(err, "limit", "must be 1 to %d", PUQ_VMLIST_PAGE_MAX);
	if (q->search) {
		const char *b = q->search;
		while (isspace((unsigned char)*b))
			b++;
		size_t n = strlen(b);
		while (n && isspace((unsigned char)b[n - 1]))
			n--;
		if (n > PUQ_VMLIST_SEARCH_MAX)
			puq_error_field(err, "search", "is longer than %d characters", PUQ_VMLIST_SEARCH_MAX);
		else {
			memcpy(term, b, n);
			term[n] = '\0';
		}
	}
	return err->code ? -err->code : 0;
}

/* The WHERE conditions of the filters and the search (no keyset). */
static void conditions(const struct puq_vmlist_query *q, const char *term, struct stmt *s)
{
	puq_buf_puts(&s->sql, " WHERE 1 = 1");
	if (q->service_status && *q->service_status) {
		puq_buf_puts(&s->sql, " AND v.list_status = ?");
		param(s, PUQ_TEXT(q->service_status));
	}
	if (q->vm_status && *q->vm_status) {
		puq_buf_puts(&s->sql, " AND v.vm_status = ?");
		param(s, PUQ_TEXT(q->vm_status));
	}
	if (!*term)
		return;
	like_pattern(term, s->like, sizeof(s->like));
	puq_buf_puts(&s->sql, " AND (v.list_client LIKE ? OR v.list_product LIKE ?"
		" OR v.list_server LIKE ? OR v.vm_name LIKE ?");
	for (int i = 0; i < 4; i++)
		param(s, PUQ_TEXT(s->like));
	if (all_digits(term)) {
		puq_buf_puts(&s->sql, " OR v.service_id = ? OR v.vm_id = ?");
		param(s, PUQ_INT(atoll(term)));
		param(s, PUQ_INT(atoll(term)));
	}
	struct puq_ip ip;
	struct puq_error perr;
	puq_error_clear(&perr);
	if (puq_ip_parse_cstr(term, PUQ_IP_ANY, &ip, &perr) == 0) {
		puq_ip_to_bytes(&ip, s->addr);
		puq_buf_puts(&s->sql, " OR v.service_id IN (SELECT a.service_id FROM " VMLIST_ALLOC_TABLE
			" a WHERE a.family = ? AND a.address = ? AND a.live = 1)");
		param(s, PUQ_INT((int)ip.family));
		param(s, PUQ_BLOB(s->addr, 16));
	} else if (address_like(term)) {
		char lower[PUQ_VMLIST_SEARCH_MAX + 1];
		size_t i = 0;
		for (; term[i] && i < PUQ_VMLIST_SEARCH_MAX; i++)
			lower[i] = (char)tolower((unsigned char)term[i]);
		lower[i] = '\0';
		like_pattern(lower, s->iplike, sizeof(s->iplike));
		puq_buf_puts(&s->sql, " OR v.service_id IN (SELECT a.service_id FROM " VMLIST_ALLOC_TABLE
			" a WHERE a.live = 1 AND a.ip LIKE ?)");
		param(s, PUQ_TEXT(s->iplike));
	}
	puq_buf_puts(&s->sql, ")");
}

/* ---- count --------------------------------------------------------------------------------- */

int puq_vmlist_count(struct puq_db *db, const struct puq_vmlist_query *q, long long *n,
	struct puq_error *err)
{
	char term[PUQ_VMLIST_SEARCH_MAX + 1];
	*n = 0;
	if (validate(q, term, err) < 0)
		return -err->code;
	struct stmt s = {0};
	puq_buf_init(&s.sql);
	puq_buf_puts(&s.sql, "SELECT COUNT(*) FROM " PUQ_VM_TABLE " v");
	conditions(q, term, &s);
	struct puq_db_rows *r = NULL;
	int rc = puq_buf_failed(&s.sql) ? puq_error_set(err, PUQ_ENOMEM, NULL)
		: puq_db_query(db, err, s.sql.data, s.params, s.n, &r);
	puq_buf_free(&s.sql);
	if (rc < 0)
		return rc;
	*n = puq_db_cell_int(r, 0, 0, 0);
	puq_db_rows_free(r);
	return 0;
}

/* ---- the page -------------------------------------------------------------------------------- */

/* Columns of the page query, in this order. */
enum {
	C_ID, C_CLIENT_ID, C_CLIENT, C_PRODUCT_ID, C_PRODUCT, C_SERVER_ID, C_SERVER, C_VMID,
	C_VMNAME, C_VMSTATUS, C_STATUS, C_ACTION, C_ATTENTION, C_REVDNS, C_STALE, C_KEY,
	C_GONE
};

static json_t *make_cursor(const struct puq_vmlist_query *q, char dir, const struct puq_db_rows *r,
	size_t row)
{
	struct puq_buf b;
	puq_buf_init(&b);
	puq_buf_printf(&b, "%c.%s.%c.%lld.", dir, sort_names[q->sort], q->desc ? 'd' : 'a',
		puq_db_cell_int(r, row, C_ID, 0));
	if (q->sort != PUQ_VMLIST_SORT_ID) {
		const unsigned char *v = (const unsigned char *)puq_db_cell(r, row, C_KEY);
		size_t n = puq_db_cell_len(r, row, C_KEY);
		for (size_t i = 0; v && i < n && i < 512; i++)
			puq_buf_printf(&b, "%02x", v[i]);
	}
	json_t *j = puq_buf_failed(&b) ? NULL : json_string(b.data ? b.data : "");
	puq_buf_free(&b);
	return j;
}

static const char *cell(const struct puq_db_rows *r, size_t row, size_t col)
{
	const char *v = puq_db_cell(r, row, col);
	return v ? v : "";
}

/* The page's addresses, attached to their rows. */
static int add_addresses(struct puq_db *db, const struct puq_db_rows *r, size_t first,
	size_t count, json_t *rows, struct puq_error *err)
{
	if (count == 0)
		return 0;
	struct puq_buf sql;
	struct puq_db_value params[PUQ_VMLIST_PAGE_MAX];
	puq_buf_init(&sql);
	puq_buf_puts(&sql, "SELECT service_id, family, ip, is_main FROM " VMLIST_ALLOC_TABLE
		" WHERE live = 1 AND service_id IN (");
	for (size_t i = 0; i < count; i++) {
		puq_buf_puts(&sql, i ? ", ?" : "?");
		params[i] = PUQ_INT(puq_db_cell_int(r, first + i, C_ID, 0));
	}
	puq_buf_puts(&sql, ") ORDER BY service_id, is_main DESC, family, address");
	struct puq_db_rows *a = NULL;
	int rc = puq_buf_failed(&sql) ? puq_error_set(err, PUQ_ENOMEM, NULL)
		: puq_db_query(db, err, sql.data, params, count, &a);
	puq_buf_free(&sql);
	if (rc < 0)
		return rc;
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		long long id = json_integer_value(json_object_get(row, "service_id"));
		json_t *ips = json_object_get(row, "ips");
		json_t *rev = json_object_get(row, "rev_dns");
		for (size_t k = 0; k < a->nrows; k++) {
			if (puq_db_cell_int(a, k, 0, 0) != id)
				continue;
			const char *ip = cell(a, k, 2);
			const char *host = json_string_value(json_object_get(rev, ip));
			json_array_append_new(ips, json_pack("{s:s,s:i,s:b,s:s?}", "ip", ip, "family",
				(int)puq_db_cell_int(a, k, 1, 0), "main", puq_db_cell_int(a, k, 3, 0) != 0,
				"rdns", host && *host ? host : NULL));
		}
		json_object_del(row, "rev_dns");
	}
	puq_db_rows_free(a);
	return 0;
}

static json_t *row_json(const struct puq_db_rows *r, size_t i)
{
	struct puq_vmlist_rules rules;
	puq_vmlist_rules_for(cell(r, i, C_VMSTATUS), &rules);
	const char *rev = puq_db_cell(r, i, C_REVDNS);
	json_t *revj = rev && *rev ? json_loads(rev, 0, NULL) : NULL;
	if (!json_is_object(revj)) {
		json_decref(revj);
		revj = json_object();
	}
	bool gone = puq_db_cell_int(r, i, C_GONE, 0) != 0;
	return json_pack("{s:I,s:I,s:s,s:I,s:s,s:I,s:s,s:I,s:s,s:s,s:s,s:s,s:b,s:b,s:[],s:o,"
		"s:{s:b,s:b,s:b,s:b,s:b}}",
		"service_id", (json_int_t)puq_db_cell_int(r, i, C_ID, 0),
		"client_id", (json_int_t)puq_db_cell_int(r, i, C_CLIENT_ID, 0),
		"client", cell(r, i, C_CLIENT),
		"product_id", (json_int_t)puq_db_cell_int(r, i, C_PRODUCT_ID, 0),
		"product", cell(r, i, C_PRODUCT),
		"server_id", (json_int_t)puq_db_cell_int(r, i, C_SERVER_ID, 0),
		"server", cell(r, i, C_SERVER),
		"vm_id", (json_int_t)puq_db_cell_int(r, i, C_VMID, 0),
		"vm_name", cell(r, i, C_VMNAME),
		"vm_status", cell(r, i, C_VMSTATUS),
		"service_status", gone ? "" : cell(r, i, C_STATUS),
		"action", cell(r, i, C_ACTION),
		"needs_attention", puq_db_cell_int(r, i, C_ATTENTION, 0) != 0,
		"service_gone", gone,
		"ips",
		"rev_dns", revj,
		"actions", "redeploy", rules.redeploy, "reset", rules.reset, "log", rules.log,
		"record", rules.record, "delete", rules.delete_record);
}

int puq_vmlist_page(struct puq_db *db, const struct puq_vmlist_query *q, json_t **out,
	struct puq_error *err)
{
	char term[PUQ_VMLIST_SEARCH_MAX + 1];
	struct cursor cur;
	*out = NULL;
	if (validate(q, term, err) < 0 || parse_cursor(q, &cur, err) < 0)
		return -err->code;
	const char *col = sort_cols[q->sort];
	/* walking backwards from a 'p' cursor reverses the order; rows are flipped after */
	bool desc = cur.back ? !q->desc : q->desc;
	const char *dir = desc ? "DESC" : "ASC";
	const char *cmp = desc ? "<" : ">";

	struct stmt *s = PUQ_CALLOC(1, sizeof(*s));
	if (!s)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	puq_buf_init(&s->sql);
	/*
	 * Both filters on the default sort: only list_status_vm yields rows already in id
	 * order. Left a choice, the optimizer may intersect the two single-column indexes
	 * (when its statistics are being recomputed after a bulk change) and then sort
	 * every match - 150 ms instead of 0.5 ms at 100,000 services.
	 */
	bool both = q->service_status && *q->service_status && q->vm_status && *q->vm_status;
	const char *hint = both && q->sort == PUQ_VMLIST_SORT_ID && !*term
		? " IGNORE INDEX (list_status, vm_status)" : "";
	puq_buf_printf(&s->sql, "SELECT v.service_id, h.userid, " VMLIST_LIVE_CLIENT ", h.packageid, "
		VMLIST_LIVE_PRODUCT ", h.server, " VMLIST_LIVE_SERVER ", v.vm_id, v.vm_name, v.vm_status, "
		VMLIST_LIVE_STATUS ", v.action, v.needs_attention, v.vm_rev_dns, " VMLIST_STALE ", %s,"
		" h.id IS NULL FROM " PUQ_VM_TABLE " v%s" VMLIST_JOINS, col, hint);
	conditions(q, term, s);
	if (cur.set) {
		if (q->sort == PUQ_VMLIST_SORT_ID) {
			puq_buf_printf(&s->sql, " AND v.service_id %s ?", cmp);
			param(s, PUQ_INT(cur.id));
		} else {
			struct puq_db_value v = cursor_value(q, s, &cur);
			puq_buf_printf(&s->sql, " AND %s %s= ? AND (%s %s ? OR v.service_id %s ?)", col, cmp,
				col, cmp, cmp);
			param(s, v);
			param(s, v);
			param(s, PUQ_INT(cur.id));
		}
	}
	if (q->sort == PUQ_VMLIST_SORT_ID)
		puq_buf_printf(&s->sql, " ORDER BY v.service_id %s LIMIT ?", dir);
	else
		puq_buf_printf(&s->sql, " ORDER BY %s %s, v.service_id %s LIMIT ?", col, dir, dir);
	param(s, PUQ_INT(q->limit + 1));

	struct puq_db_rows *r = NULL;
	int rc = puq_buf_failed(&s->sql) || s->n >= MAX_PARAMS
		? puq_error_set(err, PUQ_ENOMEM, NULL)
		: puq_db_query(db, err, s->sql.data, s->params, s->n, &r);
	puq_buf_free(&s->sql);
	PUQ_FREE(s);
	if (rc < 0)
		return rc;

	size_t got = r->nrows > (size_t)q->limit ? (size_t)q->limit : r->nrows;
	bool more = r->nrows > (size_t)q->limit; /* beyond the page, in walking order */
	json_t *rows = json_array();
	long long stale[PUQ_VMLIST_PAGE_MAX];
	size_t nstale = 0;
	for (size_t k = 0; rows && k < got; k++) {
		size_t i = cur.back ? got - 1 - k : k; /* display order */
		json_array_append_new(rows, row_json(r, i));
		if (puq_db_cell_int(r, i, C_STALE, 0) && nstale < PUQ_VMLIST_PAGE_MAX)
			stale[nstale++] = puq_db_cell_int(r, i, C_ID, 0);
	}
	json_t *next = json_null(), *prev = json_null();
	if (got) {
		size_t first = cur.back ? got - 1 : 0, last = cur.back ? 0 : got - 1;
		if (cur.back ? true : more)
			next = make_cursor(q, 'n', r, last);
		if (cur.back ? more : cur.set)
			prev = make_cursor(q, 'p', r, first);
	}
	rc = rows ? add_addresses(db, r, 0, got, rows, err) : puq_error_set(err, PUQ_ENOMEM, NULL);
	puq_db_rows_free(r);
	/* copies WHMCS changed behind the hooks' back: fixed now, shown right already */
	size_t resynced = 0;
	for (size_t i = 0; rc == 0 && i < nstale; i++) {
		size_t n = 0;
		rc = puq_vmlist_sync(db, PUQ_VMLIST_SERVICE, stale[i], &n, err);
		resynced += n;
	}
	json_t *o = rc == 0 ? json_pack("{s:o,s:o,s:o,s:I}", "rows", rows, "next",
		next ? next : json_null(), "prev", prev ? prev : json_null(), "resynced",
		(json_int_t)resynced) : NULL;
	if (rc < 0) {
		json_decref(rows);
		json_decref(next);
		json_decref(prev);
		return rc;
	}
	if (!o)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	*out = o;
	return 0;
}
