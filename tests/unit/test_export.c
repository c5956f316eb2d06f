/* engine/pkgbuild and engine/export: a linux-cachyos PKGBUILD's knobs read
 * from real PKGBUILDs of three ages (tests/fixtures/cachyos/README.md), and a
 * profile handed to one: what goes where, what is refused, and that nothing
 * is lost or half-written. */
#include "tests/unit/testlib.h"

#include <errno.h>

#include "base/strv.h"
#include "base/util.h"
#include "engine/export.h"
#include "engine/pkgbuild.h"

#define CACHY FIXTURES "/cachyos"

static char tmp[64];

static int setup(void **state)
{
	(void)state;
	strcpy(tmp, "/tmp/kfdo-test-export-XXXXXX");
	return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	test_rm_rf(tmp);
	return 0;
}

static void assert_knob(const struct pkgbuild *pb, const char *name, const char *value, bool old_form)
{
	const struct pkgbuild_knob *k = pkgbuild_knob(pb, name);
	if (!k)
		fail_msg("no knob %s", name);
	assert_string_equal(k->value, value);
	assert_int_equal(k->old_form, old_form);
}

static void test_knobs_today(void **state)
{
	(void)state;
	struct pkgbuild pb;
	char *cause = NULL;
	assert_int_equal(pkgbuild_read(CACHY "/linux-cachyos", &pb, &cause), 0);
	/* Every ': "${_x:=...}"' line of the file and nothing else (BUILD_FLAGS,
	 * pkgbase and the functions' variables are not knobs). */
	assert_int_equal(pb.n_knobs, 27);
	assert_knob(&pb, "_autofdo", "no", false);
	assert_knob(&pb, "_autofdo_profile_name", "", false);
	assert_knob(&pb, "_propeller", "no", false);
	assert_knob(&pb, "_propeller_profiles", "no", false);
	assert_knob(&pb, "_build_debug", "no", false);
	assert_knob(&pb, "_use_llvm_lto", "thin", false);
	/* A quoted default inside the expansion loses its quotes. */
	assert_knob(&pb, "_localmodcfg_path", "$HOME/.config/modprobed.db", false);
	assert_int_equal(pkgbuild_knob(&pb, "_autofdo")->line, 139);
	assert_null(pkgbuild_knob(&pb, "pkgbase"));
	assert_null(pkgbuild_missing(&pb, pkgbuild_knobs_autofdo));
	assert_null(pkgbuild_missing(&pb, pkgbuild_knobs_propeller));
	pkgbuild_free(&pb);
}

static void test_knobs_older(void **state)
{
	(void)state;
	struct pkgbuild pb;
	char *cause = NULL;
	/* December 2024: the _x=${_x-} form, AutoFDO but no Propeller yet. */
	assert_int_equal(pkgbuild_read(CACHY "/old/2024-12-03/linux-cachyos", &pb, &cause), 0);
	assert_knob(&pb, "_autofdo", "", true);
	assert_knob(&pb, "_cachy_config", "y", true);
	assert_knob(&pb, "_localmodcfg_path", "$HOME/.config/modprobed.db", true);
	assert_null(pkgbuild_missing(&pb, pkgbuild_knobs_autofdo));
	assert_string_equal(pkgbuild_missing(&pb, pkgbuild_knobs_propeller), "_propeller");
	pkgbuild_free(&pb);
	/* July 2024: before AutoFDO. */
	assert_int_equal(pkgbuild_read(CACHY "/old/2024-07-01/linux-cachyos", &pb, &cause), 0);
	assert_true(pb.n_knobs > 10);
	assert_string_equal(pkgbuild_missing(&pb, pkgbuild_knobs_autofdo), "_autofdo");
	pkgbuild_free(&pb);
}

static void test_parse_forms(void **state)
{
	(void)state;
	struct pkgbuild pb = { 0 };
	pkgbuild_parse(": \"${_a:=yes}\"\n"
		       ": ${_b:=1}   # unquoted, with a comment\n"
		       ": \"${_c:=\"${HOME}/x\"}\"\n"
		       "_d=${_d-}\n"
		       "_e=\"${_e:-'two words'}\"\n"
		       "_f=${_other-1}\n"	/* another name: not a knob */
		       "    : \"${_g:=indented}\"\n"	/* inside a block: not a knob */
		       ": \"${_a:=no}\"\n"	/* set already: the first line decides */
		       ": \"${_h:=unclosed\n"
		       "_i=plain\n",
		       &pb);
	assert_int_equal(pb.n_knobs, 5);
	assert_knob(&pb, "_a", "yes", false);
	assert_knob(&pb, "_b", "1", false);
	assert_knob(&pb, "_c", "${HOME}/x", false);
	assert_knob(&pb, "_d", "", true);
	assert_knob(&pb, "_e", "two words", true);
	assert_int_equal(pkgbuild_knob(&pb, "_d")->line, 4);
	pkgbuild_free(&pb);
}

static void test_variants(void **state)
{
	(void)state;
	char **v = pkgbuild_variants(CACHY);
	assert_non_null(v);
	assert_int_equal(strv_len(v), 2);
	assert_string_equal(v[0], "linux-cachyos");
	assert_string_equal(v[1], "linux-cachyos-bore");
	strv_free(v);
	struct pkgbuild pb;
	char *cause = NULL;
	assert_int_equal(pkgbuild_read(CACHY, &pb, &cause), -1);
	assert_non_null(strstr(cause, "linux-cachyos, linux-cachyos-bore"));
	free(cause);
	cause = NULL;
	assert_int_equal(pkgbuild_read(tmp, &pb, &cause), -1);
	assert_non_null(strstr(cause, "has no PKGBUILD"));
	free(cause);
	cause = NULL;
	/* A PKGBUILD of another package has no knobs. */
	free(test_put_at(tmp, "other/PKGBUILD", "pkgname=foo\npkgver=1\n", 0));
	char *d = xasprintf("%s/other", tmp);
	assert_int_equal(pkgbuild_read(d, &pb, &cause), -1);
	assert_non_null(strstr(cause, "not a linux-cachyos PKGBUILD"));
	free(cause);
	free(d);
}

/* A copy of a fixture PKGBUILD in tmp/NAME: the folder's path. */
static char *pkgbuild_copy(const char *fixture, const char *name)
{
	char *dir = xasprintf("%s/%s", tmp, name);
	assert_int_equal(test_sh("mkdir -p '%s' && cp '%s/PKGBUILD' '%s/'", dir, fixture, dir), 0);
	return dir;
}

static char *read_all(const char *path)
{
	size_t len;
	char *s = file_read(path, 1 << 20, &len);
	if (!s)
		fail_msg("cannot read %s: %s", path, strerror(errno));
	return s;
}

static void test_export_afdo(void **state)
{
	(void)state;
	char *dir = pkgbuild_copy(CACHY "/linux-cachyos", "my cachyos");
	char *afdo = test_put_at(tmp, "profiles/6.13.0-a.afdo", "profile bytes one\n", 0);
	struct export_opts o = { .pkgbuild_dir = dir, .afdo = afdo };
	struct export_plan ep;
	char *cause = NULL;
	assert_int_equal(export_prepare(&o, &ep, &cause), 0);
	assert_int_equal(ep.n_files, 1);
	assert_int_equal(ep.files[0].state, EXPORT_NEW);
	char *to = xasprintf("%s/6.13.0-a.afdo", dir);
	assert_string_equal(ep.files[0].to, to);
	/* The PKGBUILD's LTO default is thin already: only the AutoFDO knobs. */
	assert_int_equal(strv_len(ep.env), 2);
	/* A path with a space: quoted in the line, and said to fail in kbuild. */
	assert_non_null(ep.warning);
	assert_non_null(strstr(ep.warning, "space or a colon"));
	char *line = export_line(&ep);
	char *want = xasprintf("cd '%s' && _autofdo=yes _autofdo_profile_name=6.13.0-a.afdo makepkg --skipchecksums",
			       dir);
	assert_string_equal(line, want);
	free(line), free(want);
	/* Prepared, nothing written yet. */
	assert_int_equal(access(to, F_OK), -1);
	assert_int_equal(export_write(&ep, &cause), 0);
	export_plan_free(&ep);
	char *got = read_all(to);
	assert_string_equal(got, "profile bytes one\n");
	free(got);
	struct stat st;
	assert_int_equal(stat(to, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);

	/* Again: the same bytes are there, nothing to write. */
	assert_int_equal(export_prepare(&o, &ep, &cause), 0);
	assert_int_equal(ep.files[0].state, EXPORT_SAME);
	export_plan_free(&ep);

	/* Another profile of the same name: refused (the caller says how to go on), the file stays. */
	char *other = test_put_at(tmp, "elsewhere/6.13.0-a.afdo", "profile bytes two\n", 0);
	o.afdo = other;
	assert_int_equal(export_prepare(&o, &ep, &cause), EXPORT_CONFLICT);
	assert_non_null(strstr(cause, "is there already and differs from"));
	free(cause);
	cause = NULL;
	got = read_all(to);
	assert_string_equal(got, "profile bytes one\n");
	free(got);

	/* --force: replaced, the old one kept beside it. */
	o.force = true;
	assert_int_equal(export_prepare(&o, &ep, &cause), 0);
	assert_int_equal(ep.files[0].state, EXPORT_REPLACE);
	assert_int_equal(export_write(&ep, &cause), 0);
	char *kept = xasprintf("%s.before-kfdo", to);
	assert_string_equal(ep.files[0].kept, kept);
	export_plan_free(&ep);
	got = read_all(to);
	assert_string_equal(got, "profile bytes two\n");
	free(got);
	got = read_all(kept);
	assert_string_equal(got, "profile bytes one\n");
	free(got);
	/* No temporary file is left in the folder: the PKGBUILD, the profile, the kept one. */
	assert_int_equal(test_sh("[ $(ls -A '%s' | wc -l) = 3 ]", dir), 0);
	free(kept), free(other), free(to), free(afdo), free(dir);
}

static void test_export_refusals(void **state)
{
	(void)state;
	char *before = pkgbuild_copy(CACHY "/old/2024-07-01/linux-cachyos", "before");
	char *dec = pkgbuild_copy(CACHY "/old/2024-12-03/linux-cachyos", "dec");
	char *today = pkgbuild_copy(CACHY "/linux-cachyos", "today");
	char *afdo = test_put_at(tmp, "p/k.afdo", "x", 0);
	char *empty = test_put_at(tmp, "p/empty.afdo", "", 0);
	char *spaced = test_put_at(tmp, "p/my profile.afdo", "x", 0);
	char *config = test_put_at(tmp, "p/config", "x", 0);
	free(test_put_at(tmp, "p/prop_cc_profile.txt", "cc", 0));
	struct export_plan ep;
	char *cause = NULL;
	struct { const char *dir, *afdo, *propeller, *says; } cases[] = {
		{ before, afdo, NULL, "has no _autofdo knob: this checkout is older than linux-cachyos's AutoFDO" },
		{ dec, afdo, "p", "has no _propeller knob" },
		{ today, empty, NULL, "is empty" },
		{ today, "/nonexistent/k.afdo", NULL, "No such file" },
		/* The cc profile is there, the ld one is not: nothing is copied. */
		{ today, afdo, "PROP", "prop_ld_profile.txt" },
		/* Names kbuild's flags or makepkg cannot take, or the PKGBUILD's own files. */
		{ today, spaced, NULL, "only letters, digits and ._+- there" },
		{ today, config, NULL, "no name of the PKGBUILD's own files" },
	};
	char *prefix = xasprintf("%s/p/prop", tmp);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct export_opts o = { .pkgbuild_dir = cases[i].dir, .afdo = cases[i].afdo,
					 .propeller = cases[i].propeller && !strcmp(cases[i].propeller, "PROP") ? prefix
						      : cases[i].propeller };
		assert_int_equal(export_prepare(&o, &ep, &cause), -1);
		if (!strstr(cause, cases[i].says))
			fail_msg("case %zu: '%s' does not say '%s'", i, cause, cases[i].says);
		free(cause);
		cause = NULL;
	}
	/* The older form's knobs take "yes" as any other value: the export works there. */
	struct export_opts o = { .pkgbuild_dir = dec, .afdo = afdo };
	assert_int_equal(export_prepare(&o, &ep, &cause), 0);
	export_plan_free(&ep);
	assert_int_equal(test_sh("[ $(ls -A '%s' | wc -l) = 1 ]", today), 0);
	free(prefix), free(afdo), free(empty), free(spaced), free(config), free(before), free(dec), free(today);
}

static void test_export_propeller_and_lto(void **state)
{
	(void)state;
	/* A PKGBUILD set to build without LTO: it would build with GCC, so the line sets thin. */
	free(test_put_at(tmp, "nolto/PKGBUILD",
			 ": \"${_use_llvm_lto:=none}\"\n: \"${_autofdo:=no}\"\n: \"${_autofdo_profile_name:=}\"\n"
			 ": \"${_propeller:=no}\"\n: \"${_propeller_profiles:=no}\"\n",
			 0));
	char *dir = xasprintf("%s/nolto", tmp);
	char *afdo = test_put_at(tmp, "p/k.afdo", "afdo", 0);
	free(test_put_at(tmp, "p/run1_cc_profile.txt", "cc text", 0));
	free(test_put_at(tmp, "p/run1_ld_profile.txt", "ld text", 0));
	char *prefix = xasprintf("%s/p/run1", tmp);
	struct export_opts o = { .pkgbuild_dir = dir, .afdo = afdo, .propeller = prefix };
	struct export_plan ep;
	char *cause = NULL;
	assert_int_equal(export_prepare(&o, &ep, &cause), 0);
	assert_int_equal(ep.n_files, 3);
	char *line = export_line(&ep);
	char *want = xasprintf("cd %s && _autofdo=yes _autofdo_profile_name=k.afdo _use_llvm_lto=thin _propeller=yes "
			       "_propeller_profiles=yes makepkg --skipchecksums", dir);
	assert_string_equal(line, want);
	free(line), free(want);
	assert_int_equal(export_write(&ep, &cause), 0);
	export_plan_free(&ep);
	char *cc = xasprintf("%s/" PKGBUILD_PROPELLER_CC, dir), *ld = xasprintf("%s/" PKGBUILD_PROPELLER_LD, dir);
	char *got = read_all(cc);
	assert_string_equal(got, "cc text");
	free(got);
	got = read_all(ld);
	assert_string_equal(got, "ld text");
	free(got);
	free(cc), free(ld), free(prefix), free(afdo), free(dir);
}

static void test_export_abs_and_meanwhile(void **state)
{
	(void)state;
	char *dir = pkgbuild_copy(CACHY "/linux-cachyos", "-x");
	char *afdo = test_put_at(tmp, "p/k.afdo", "mine", 0);
	char *cwd = getcwd(NULL, 0);
	assert_int_equal(chdir(tmp), 0);
	/* "-x" relative to here: the line says the absolute folder ("cd -x" would be an option). */
	struct export_opts o = { .pkgbuild_dir = "-x", .afdo = afdo };
	struct export_plan ep;
	char *cause = NULL;
	int rc = export_prepare(&o, &ep, &cause);
	assert_int_equal(chdir(cwd), 0);
	free(cwd);
	assert_int_equal(rc, 0);
	assert_string_equal(ep.dir, dir);
	assert_null(ep.warning);
	char *line = export_line(&ep);
	char *want = xasprintf("cd %s && ", dir);
	assert_true(str_starts(line, want));
	free(line), free(want);
	/* A file comes to the name between the plan and the write: it stays, nothing else is left. */
	char *to = xasprintf("%s/k.afdo", dir);
	free(test_put_at(dir, "k.afdo", "theirs", 0));
	assert_int_equal(export_write(&ep, &cause), -1);
	assert_non_null(strstr(cause, "came there meanwhile"));
	assert_false(ep.files[0].written);
	free(cause);
	export_plan_free(&ep);
	char *got = read_all(to);
	assert_string_equal(got, "theirs");
	free(got);
	assert_int_equal(test_sh("[ $(ls -A '%s' | wc -l) = 2 ]", dir), 0);
	free(to), free(afdo), free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_knobs_today),
		cmocka_unit_test(test_knobs_older),
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test_setup_teardown(test_variants, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_afdo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_propeller_and_lto, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_abs_and_meanwhile, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
