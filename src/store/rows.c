/*
 * Reading a materialised result (struct puq_db_rows, filled by stmt.c): bounds-checked
 * cell access, integer conversion and freeing. Out-of-range coordinates read as SQL
 * NULL, so a caller that checked nrows never needs a second check per cell.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "puqkvm/store.h"

static bool in_range(const struct puq_db_rows *r, size_t row, size_t col)
{
	return r && row < r->nrows && col < r->ncols;
}

const char *puq_db_cell(const struct puq_db_rows *r, size_t row, size_t col)
{
	return in_range(r, row, col) ? r->cells[row * r->ncols + col] : NULL;
}

size_t puq_db_cell_len(const struct puq_db_rows *r, size_t row, size_t col)
{
	return in_range(r, row, col) && r->cells[row * r->ncols + col] ? r->lens[row * r->ncols + col]
																	  : 0;
}

long long puq_db_cell_int(const struct puq_db_rows *r, size_t row, size_t col, long long dflt)
{
	const char *s = puq_db_cell(r, row, col);
	if (!s || !*s)
		return dflt;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	return (errno || *end) ? dflt : v;
}

int puq_db_col(const struct puq_db_rows *r, const char *name)
{
	if (!r)
		return -1;
	for (size_t c = 0; c < r->ncols; c++)
		if (strcmp(r->names[c], name) == 0)
			return (int)c;
	return -1;
}

void puq_db_rows_free(struct puq_db_rows *r)
{
	if (!r)
		return;
	if (r->names)
		for (size_t c = 0; c < r->ncols; c++)
			PUQ_FREE(r->names[c]);
	PUQ_FREE(r->names);
	PUQ_FREE(r->cells);
	PUQ_FREE(r->lens);
	PUQ_FREE(r->storage);
	PUQ_FREE(r);
}
