/*
 * The runs index: every live address, kept as maximal runs of consecutive values in
 * puq_proxmox_kvm_ip_runs (family, run_first, run_last), primary key (family,
 * run_first).
 *
 * Because runs are maximal, the address after a run is always free. So the lowest
 * free address of a range [first, last] is `first` when no run covers it, else the end
 * of the run covering `first` plus one: one index lookup ("the run starting at or
 * before first"), however large the range and however many addresses are held. Adding
 * an address joins it to the run ending just before it and/or the run starting just
 * after it; removing one shortens or splits its run. Each operation reads at most two
 * rows and writes at most two.
 *
 * The allocation rows stay the truth (their UNIQUE key is what forbids double
 * holding); the runs are derived from them in the same transactions and
 * puq_pool_runs_rebuild() recomputes them from scratch, which the legacy import and
 * the benchmarks' seeding use.
 */
#include "internal.h"

#define SQL_COVERING                                                                     \
	"SELECT run_first, run_last FROM " RUNS_TABLE                                        \
	" WHERE family = ? AND run_first <= ? ORDER BY run_first DESC LIMIT 1 FOR UPDATE"

struct run {
	struct puq_ip first, last;
};

/* The run with the greatest start <= ip: 1 found, 0 none, <0 error. */
static int run_at_or_before(struct puq_db *db, const struct puq_ip *ip, struct run *out,
	struct puq_error *err)
{
	unsigned char key[16];
	struct puq_db_rows *rows = NULL;
	puq_ip_to_bytes(ip, key);
	int rc = puq_db_query(db, err, SQL_COVERING,
		PUQ_ARGS(PUQ_INT(ip->family), PUQ_BLOB(key, 16)), &rows);
	if (rc < 0)
		return rc;
	int found = 0;
	if (rows->nrows == 1 && puq_db_cell_len(rows, 0, 0) == 16 &&
		puq_db_cell_len(rows, 0, 1) == 16) {
		if (puq_ip_from_bytes(ip->family, (const unsigned char *)puq_db_cell(rows, 0, 0),
				&out->first) == 0 &&
			puq_ip_from_bytes(ip->family, (const unsigned char *)puq_db_cell(rows, 0, 1),
				&out->last) == 0)
			found = 1;
		else
			rc = puq_error_set(err, PUQ_EINTERNAL, "the address runs index holds a value "
			                   "outside its family; run the pool repair");
	}
	puq_db_rows_free(rows);
	return rc < 0 ? rc : found;
}

static int run_starting_at(struct puq_db *db, const struct puq_ip *ip, struct run *out,
	struct puq_error *err)
{
	unsigned char key[16];
	struct puq_db_rows *rows = NULL;
	puq_ip_to_bytes(ip, key);
	int rc = puq_db_query(db, err,
		"SELECT run_last FROM " RUNS_TABLE " WHERE family = ? AND run_first = ? FOR UPDATE",
		PUQ_ARGS(PUQ_INT(ip->family), PUQ_BLOB(key, 16)), &rows);
	if (rc < 0)
		return rc;
	int found = 0;
	if (rows->nrows == 1 && puq_db_cell_len(rows, 0, 0) == 16 &&
		puq_ip_from_bytes(ip->family, (const unsigned char *)puq_db_cell(rows, 0, 0),
			&out->last) == 0) {
		out->first = *ip;
		found = 1;
	}
	puq_db_rows_free(rows);
	return found;
}

static int set_last(struct puq_db *db, const struct run *r, const struct puq_ip *last,
	struct puq_error *err)
{
	unsigned char k[16], v[16];
	puq_ip_to_bytes(&r->first, k);
	puq_ip_to_bytes(last, v);
	return puq_db_exec(db, err,
		"UPDATE " RUNS_TABLE " SET run_last = ? WHERE family = ? AND run_first = ?",
		PUQ_ARGS(PUQ_BLOB(v, 16), PUQ_INT(r->first.family), PUQ_BLOB(k, 16)), NULL);
}

static int set_first(struct puq_db *db, const struct run *r, const struct puq_ip *first,
	struct puq_error *err)
{
	unsigned char k[16], v[16];
	puq_ip_to_bytes(&r->first, k);
	puq_ip_to_bytes(first, v);
	return puq_db_exec(db, err,
		"UPDATE " RUNS_TABLE " SET run_first = ? WHERE family = ? AND run_first = ?",
		PUQ_ARGS(PUQ_BLOB(v, 16), PUQ_INT(r->first.family), PUQ_BLOB(k, 16)), NULL);
}

static int insert_run(struct puq_db *db, const struct puq_ip *first, const struct puq_ip *last,
	struct puq_error *err)
{
	unsigned char a[16], b[16];
	puq_ip_to_bytes(first, a);
	puq_ip_to_bytes(last, b);
	return puq_db_exec(db, err,
		"INSERT INTO " RUNS_TABLE " (family, run_first, run_last) VALUES (?, ?, ?)",
		PUQ_ARGS(PUQ_INT(first->family), PUQ_BLOB(a, 16), PUQ_BLOB(b, 16)), NULL);
}

static int delete_run(struct puq_db *db, const struct run *r, struct puq_error *err)
{
	unsigned char k[16];
	puq_ip_to_bytes(&r->first, k);
	return puq_db_exec(db, err,
		"DELETE FROM " RUNS_TABLE " WHERE family = ? AND run_first = ?",
		PUQ_ARGS(PUQ_INT(r->first.family), PUQ_BLOB(k, 16)), NULL);
}

int puq_pool_runs_lowest_free(struct puq_db *db, const struct puq_ip *first,
	const struct puq_ip *last, struct puq_ip *out, struct puq_error *err)
{
	struct run r;
	int found = run_at_or_before(db, first, &r, err);
	if (found < 0)
		return found;
	struct puq_ip candidate = *first;
	if (found && puq_ip_cmp(&r.last, first) >= 0) {
		/* first is held: the address after its run is free, if there is one */
		if (puq_ip_add(&r.last, 1, &candidate) != 0)
			return 0;
	}
	if (puq_ip_cmp(&candidate, last) > 0)
		return 0;
	*out = candidate;
	return 1;
}

int puq_pool_runs_add(struct puq_db *db, const struct puq_ip *ip, struct puq_error *err)
{
	struct run left, right;
	struct puq_ip next;
	int has_left = run_at_or_before(db, ip, &left, err);
	if (has_left < 0)
		return has_left;
	if (has_left && puq_ip_cmp(&left.last, ip) >= 0) {
		/* Already inside a run. If that run starts at ip and another ends just before
		 * it, the two were never joined (rows written outside the module): join them,
		 * so that the address after the first run is free again as runs promise. */
		struct puq_ip before;
		if (puq_ip_cmp(&left.first, ip) != 0 || ip->value == 0)
			return 0;
		before = *ip;
		before.value -= 1;
		struct run prev;
		int found = run_at_or_before(db, &before, &prev, err);
		if (found <= 0 || puq_ip_cmp(&prev.last, &before) != 0)
			return found < 0 ? found : 0;
		int rc = delete_run(db, &left, err);
		if (rc == 0)
			rc = set_last(db, &prev, &left.last, err);
		return rc < 0 ? rc : 0;
	}
	if (has_left) {
		struct puq_ip after;
		has_left = puq_ip_add(&left.last, 1, &after) == 0 && puq_ip_cmp(&after, ip) == 0;
	}
	int has_right = 0;
	if (puq_ip_add(ip, 1, &next) == 0) {
		has_right = run_starting_at(db, &next, &right, err);
		if (has_right < 0)
			return has_right;
	}

	int rc;
	if (has_left && has_right) {
		/* ip fills the one-address gap between two runs: they become one */
		rc = delete_run(db, &right, err);
		if (rc == 0)
			rc = set_last(db, &left, &right.last, err);
	} else if (has_left) {
		rc = set_last(db, &left, ip, err);
	} else if (has_right) {
		rc = set_first(db, &right, ip, err);
	} else {
		rc = insert_run(db, ip, ip, err);
	}
	return rc < 0 ? rc : 0;
}

int puq_pool_runs_remove(struct puq_db *db, const struct puq_ip *ip, struct puq_error *err)
{
	struct run r;
	int found = run_at_or_before(db, ip, &r, err);
	if (found < 0)
		return found;
	if (!found || puq_ip_cmp(&r.last, ip) < 0)
		return 0; /* not in any run: nothing to do */

	bool at_first = puq_ip_cmp(&r.first, ip) == 0;
	bool at_last = puq_ip_cmp(&r.last, ip) == 0;
	struct puq_ip before = *ip, after = *ip;
	before.value -= at_first ? 0 : 1;
	after.value += at_last ? 0 : 1;

	int rc;
	if (at_first && at_last) {
		rc = delete_run(db, &r, err);
	} else if (at_first) {
		rc = set_first(db, &r, &after, err);
	} else if (at_last) {
		rc = set_last(db, &r, &before, err);
	} else {
		/* split: [first, ip-1] and [ip+1, last] */
		struct puq_ip old_last = r.last;
		rc = set_last(db, &r, &before, err);
		if (rc == 0)
			rc = insert_run(db, &after, &old_last, err);
	}
	return rc < 0 ? rc : 0;
}

/*
 * Rebuild: walk the live allocations in address order, a page at a time (keyset
 * pagination on the UNIQUE key, so memory stays bounded for millions of rows), and
 * write one row per maximal run.
 */
#define REBUILD_PAGE 10000
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

static int flush_run(struct puq_db *db, bool *open, const struct puq_ip *first,
	const struct puq_ip *last, struct puq_error *err)
{
	if (!*open)
		return 0;
	*open = false;
	return insert_run(db, first, last, err);
}

int puq_pool_runs_rebuild(struct puq_db *db, struct puq_error *err)
{
	int rc = puq_db_exec(db, err, "DELETE FROM " RUNS_TABLE, PUQ_NOARGS, NULL);
	if (rc < 0)
		return rc;

	static const enum puq_ip_family families[] = {PUQ_IP_V4, PUQ_IP_V6};
	for (size_t f = 0; f < PUQ_ARRAY_LEN(families); f++) {
		unsigned char after[16] = {0};
		bool first_page = true, open = false;
		struct puq_ip first = {families[f], 0}, last = {families[f], 0};

		for (;;) {
			struct puq_db_rows *rows = NULL;
			/* The first page starts at (and includes) address 0. */
			rc = puq_db_query(db, err,
				first_page
					? "SELECT address FROM " ALLOC_TABLE " WHERE family = ? AND live = 1"
					  " AND address >= ? ORDER BY address LIMIT " STRINGIFY(REBUILD_PAGE)
					: "SELECT address FROM " ALLOC_TABLE " WHERE family = ? AND live = 1"
					  " AND address > ? ORDER BY address LIMIT " STRINGIFY(REBUILD_PAGE),
				PUQ_ARGS(PUQ_INT(families[f]), PUQ_BLOB(after, 16)), &rows);
			if (rc < 0)
				return rc;
			first_page = false;
			size_t n = rows->nrows;
			for (size_t i = 0; i < n && rc == 0; i++) {
				struct puq_ip ip;
				if (puq_db_cell_len(rows, i, 0) != 16 ||
					puq_ip_from_bytes(families[f],
						(const unsigned char *)puq_db_cell(rows, i, 0), &ip) != 0)
					continue;
				struct puq_ip next;
				if (open && puq_ip_add(&last, 1, &next) == 0 && puq_ip_cmp(&next, &ip) == 0) {
					last = ip;
					continue;
				}
				rc = flush_run(db, &open, &first, &last, err);
				first = last = ip;
				open = true;
			}
			if (n)
				memcpy(after, puq_db_cell(rows, n - 1, 0), 16);
			puq_db_rows_free(rows);
			if (rc < 0)
				return rc;
			if (n < REBUILD_PAGE)
				break;
		}
		rc = flush_run(db, &open, &first, &last, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}
