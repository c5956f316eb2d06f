/* Common includes for the cmocka unit tests, and the path of the source tree
 * (tests run from the top of the tree: `make unit`). */
#ifndef KFDO_TESTLIB_H
#define KFDO_TESTLIB_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define FIXTURES "tests/fixtures"
#define CPUID_FIXTURES FIXTURES "/cpuid"

#endif
