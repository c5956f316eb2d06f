/* kfdo doctor: the hardware check, the toolchain with the machine's disk,
 * RAM and CPUs, and the kernel tree: everything checkable before a build. */
#include <unistd.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "engine/session.h"
#include "base/util.h"
#include "detect/report.h"
#include "detect/toolchain.h"
#include "detect/tree.h"
#include "cli/cli.h"

static json_object *toolchain_json(const struct toolchain *tc)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "make_llvm_arg", tc->make_llvm_arg ? json_object_new_string(tc->make_llvm_arg) : NULL);
	json_object_object_add(o, "llvm_major", json_object_new_int(tc->llvm_major));
	json_object_object_add(o, "profgen_kernel", json_object_new_boolean(tc->profgen_kernel));
	json_object_object_add(o, "distro", json_object_new_string(toolchain_distro_name(tc->distro)));
	json_object *tools = json_object_new_array();
	for (int i = 0; i < TOOL_COUNT; i++) {
		const struct tool *t = &tc->tools[i];
		json_object *j = json_object_new_object();
		json_object_object_add(j, "id", json_object_new_string(t->id));
		json_object_object_add(j, "path", t->path ? json_object_new_string(t->path) : NULL);
		json_object_object_add(j, "version", t->version ? json_object_new_string(t->version) : NULL);
		json_object_object_add(j, "package", t->package ? json_object_new_string(t->package) : NULL);
		json_object_object_add(j, "required", json_object_new_boolean(t->required));
		json_object_array_add(tools, j);
	}
	json_object_object_add(o, "tools", tools);
	const struct resources *r = &tc->res;
	json_object *res = json_object_new_object();
	json_object_object_add(res, "dir", r->dir ? json_object_new_string(r->dir) : NULL);
	json_object_object_add(res, "disk_free", r->disk_known ? json_object_new_int64((int64_t)r->disk_free) : NULL);
	json_object_object_add(res, "mem_total", r->mem_known ? json_object_new_int64((int64_t)r->mem_total) : NULL);
	json_object_object_add(res, "cpus", json_object_new_int64(r->cpus));
	json_object_object_add(res, "jobs", json_object_new_int(r->jobs));
	json_object_object_add(o, "resources", res);
	return o;
}

static json_object *tree_json(const struct kernel_tree *t)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "path", json_object_new_string(t->path));
	json_object_object_add(o, "release", json_object_new_string(t->release_string ? t->release_string : ""));
	json_object_object_add(o, "autofdo", json_object_new_boolean(t->has_autofdo));
	json_object_object_add(o, "propeller", json_object_new_boolean(t->has_propeller));
	json_object_object_add(o, "lto_thin", json_object_new_boolean(t->has_lto_thin));
	json_object_object_add(o, "pacman_pkg", json_object_new_boolean(t->has_pacman_pkg));
	json_object_object_add(o, "config", json_object_new_boolean(t->config.present));
	return o;
}

static void section(const char *title, const struct check_list *l, bool color)
{
	printf("\n%s%s%s\n", color ? "\033[1m" : "", title, color ? "\033[0m" : "");
	checks_print(stdout, l, color);
}

int cli_doctor(const struct cli_args *a)
{
	struct detect_opts dopts = { .sysroot = "/" };
	cli_hw_opts_take(&dopts, a);
	const char *tree_path = cli_args_value(a, OPT_TREE), *llvm_dir = cli_args_value(a, OPT_LLVM_DIR);
	bool json = cli_args_flag(a, OPT_JSON);
	int bad = cli_hw_check("doctor", &dopts);
	if (bad)
		return bad;

	/* The saved session's tree when none is given. */
	struct session *s = NULL;
	char *cause = NULL;
	if (!tree_path) {
		enum state_load_result lr = state_load(&s, &cause);
		/* Loading sets an unreadable file aside: never do that silently. */
		if (lr == STATE_SET_ASIDE || lr == STATE_ERROR)
			fprintf(stderr, "kfdo: %s\n", cause);
		if (lr == STATE_LOADED && s->tree)
			tree_path = s->tree;
		free(cause);
		cause = NULL;
	}

	struct detect_report hw;
	if (detect_run(&hw, &dopts, &cause) < 0) {
		fprintf(stderr, "kfdo: %s\n", cause);
		free(cause);
		detect_report_free(&hw);
		session_free(s);
		return EXIT_USAGE;
	}

	struct toolchain tc;
	struct toolchain_opts topts = { .sysroot = dopts.sysroot, .llvm_dir = llvm_dir, .work_dir = tree_path };
	if (toolchain_detect(&topts, &tc, &cause) < 0) {
		int r = cli_usage_error("doctor", "%s", cause);
		free(cause);
		detect_report_free(&hw);
		session_free(s);
		return r;
	}
	struct check_list tools = { 0 }, treechecks = { 0 };
	toolchain_checks(&tc, &tools);

	struct kernel_tree tree;
	bool have_tree = false;
	if (tree_path) {
		if (tree_inspect(tree_path, &tree, &cause) == 0) {
			have_tree = true;
			tree_checks(&tree, &treechecks);
		} else {
			check_add(&treechecks, "tree", CHECK_FAIL, _("give the top directory of a kernel source tree"),
				  "%s", cause);
			free(cause);
			cause = NULL;
		}
	}

	enum check_status worst = check_list_worst(&hw.checks);
	enum check_status w2 = check_list_worst(&tools), w3 = check_list_worst(&treechecks);
	if (w2 > worst)
		worst = w2;
	if (w3 > worst)
		worst = w3;
	char *install = toolchain_install_command(&tc);

	if (json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "hardware", detect_to_json(&hw));
		json_object *tj = toolchain_json(&tc);
		json_object_object_add(tj, "checks", checks_to_json(&tools));
		json_object_object_add(tj, "install_command", install ? json_object_new_string(install) : NULL);
		json_object_object_add(o, "toolchain", tj);
		json_object *trj = have_tree ? tree_json(&tree) : json_object_new_object();
		json_object_object_add(trj, "checks", checks_to_json(&treechecks));
		json_object_object_add(o, "tree", tree_path ? trj : NULL);
		if (!tree_path)
			json_object_put(trj);
		json_object_object_add(o, "ok", json_object_new_boolean(worst != CHECK_FAIL));
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		section(_("Hardware"), &hw.checks, cli_color);
		printf("  %s: %s\n", _("verdict"), _(verdict_name(hw.verdict)));
		section(_("Toolchain and machine"), &tools, cli_color);
		if (tc.make_llvm_arg)
			printf(_("  kfdo will build with make %s (LLVM %d)\n"), tc.make_llvm_arg, tc.llvm_major);
		if (tree_path)
			section(_("Kernel tree"), &treechecks, cli_color);
		else
			printf(_("\nKernel tree\n  (none chosen: give --tree DIR)\n"));
		if (install)
			printf(_("\nTo install what is missing:\n  %s\n"), install);
		printf("\n%s\n", worst == CHECK_FAIL ? _("Some checks failed: see the remedies above.")
						       : _("Nothing failed."));
	}
	free(install);
	if (have_tree)
		tree_free(&tree);
	check_list_free(&tools);
	check_list_free(&treechecks);
	toolchain_free(&tc);
	detect_report_free(&hw);
	session_free(s);
	return worst == CHECK_FAIL ? EXIT_NO : 0;
}
