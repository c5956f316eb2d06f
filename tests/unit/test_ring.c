#include "tests/unit/testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ring.h"

static void push_str(struct ring *r, const char *s)
{
	ring_push(r, s, strlen(s));
}

static void test_empty(void **state)
{
	(void)state;
	struct ring *r = ring_new(3);
	assert_int_equal(ring_count(r), 0);
	assert_int_equal(ring_capacity(r), 3);
	assert_null(ring_get(r, 0, NULL));
	ring_free(r);
	ring_free(NULL);
}

static void test_fill_and_wrap(void **state)
{
	(void)state;
	struct ring *r = ring_new(3);
	push_str(r, "a");
	push_str(r, "b");
	assert_int_equal(ring_count(r), 2);
	assert_string_equal(ring_get(r, 0, NULL), "b");
	assert_string_equal(ring_get(r, 1, NULL), "a");
	assert_null(ring_get(r, 2, NULL));

	push_str(r, "c");
	push_str(r, "d");
	push_str(r, "e");
	assert_int_equal(ring_count(r), 3);
	assert_int_equal(ring_total(r), 5);
	size_t len = 99;
	assert_string_equal(ring_get(r, 0, &len), "e");
	assert_int_equal(len, 1);
	assert_string_equal(ring_get(r, 1, NULL), "d");
	assert_string_equal(ring_get(r, 2, NULL), "c");
	assert_null(ring_get(r, 3, NULL));
	ring_free(r);
}

struct collect {
	char out[256];
};

static void collect_line(const char *line, size_t len, void *arg)
{
	struct collect *c = arg;
	assert_int_equal(strlen(line), len);
	strcat(c->out, line);
	strcat(c->out, ",");
}

static void test_foreach_oldest_first(void **state)
{
	(void)state;
	struct ring *r = ring_new(4);
	char buf[16];
	for (int i = 1; i <= 10; i++) {
		snprintf(buf, sizeof buf, "%d", i);
		push_str(r, buf);
	}
	struct collect c = { "" };
	ring_foreach(r, collect_line, &c);
	assert_string_equal(c.out, "7,8,9,10,");
	ring_free(r);
}

static void test_not_nul_terminated_and_empty_lines(void **state)
{
	(void)state;
	struct ring *r = ring_new(2);
	ring_push(r, "hello world", 5);
	ring_push(r, "", 0);
	size_t len = 99;
	assert_string_equal(ring_get(r, 1, &len), "hello");
	assert_int_equal(len, 5);
	assert_string_equal(ring_get(r, 0, &len), "");
	assert_int_equal(len, 0);
	ring_free(r);
}

static void test_long_then_short_lines(void **state)
{
	(void)state;
	struct ring *r = ring_new(2);
	size_t big = 1 << 20;
	char *s = malloc(big);
	assert_non_null(s);
	memset(s, 'x', big);
	ring_push(r, s, big);
	ring_push(r, s, big);
	size_t len;
	const char *got = ring_get(r, 0, &len);
	assert_int_equal(len, big);
	assert_int_equal(got[big - 1], 'x');
	assert_int_equal(got[big], '\0');
	/* Slots are reused (and shrunk) for short lines. */
	push_str(r, "short");
	push_str(r, "again");
	assert_string_equal(ring_get(r, 0, NULL), "again");
	assert_string_equal(ring_get(r, 1, NULL), "short");
	free(s);
	ring_free(r);
}

/* The job runner's large reads: lines it knows the ring would drop are only
 * counted; the capacity pushed after them is what the ring holds. */
static void test_skip_then_fill(void **state)
{
	(void)state;
	struct ring *r = ring_new(3);
	push_str(r, "a");
	push_str(r, "b");
	ring_skip(r, 5);
	push_str(r, "x");
	push_str(r, "y");
	push_str(r, "z");
	assert_int_equal(ring_total(r), 10);
	assert_int_equal(ring_count(r), 3);
	assert_string_equal(ring_get(r, 0, NULL), "z");
	assert_string_equal(ring_get(r, 1, NULL), "y");
	assert_string_equal(ring_get(r, 2, NULL), "x");
	assert_null(ring_get(r, 3, NULL));
	ring_skip(r, 0);
	assert_int_equal(ring_total(r), 10);
	ring_free(r);
}

static void test_capacity_one_and_clear(void **state)
{
	(void)state;
	struct ring *r = ring_new(0); /* taken as 1 */
	assert_int_equal(ring_capacity(r), 1);
	push_str(r, "x");
	push_str(r, "y");
	assert_int_equal(ring_count(r), 1);
	assert_string_equal(ring_get(r, 0, NULL), "y");
	ring_clear(r);
	assert_int_equal(ring_count(r), 0);
	assert_int_equal(ring_total(r), 0);
	assert_null(ring_get(r, 0, NULL));
	push_str(r, "z");
	assert_string_equal(ring_get(r, 0, NULL), "z");
	ring_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_fill_and_wrap),
		cmocka_unit_test(test_foreach_oldest_first),
		cmocka_unit_test(test_not_nul_terminated_and_empty_lines),
		cmocka_unit_test(test_long_then_short_lines),
		cmocka_unit_test(test_skip_then_fill),
		cmocka_unit_test(test_capacity_one_and_clear),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
