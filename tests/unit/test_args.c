/* The command line's parser (cli/args.c) on a small table made for the test:
 * every way an option and its value can be written, every usage error with
 * its exact words, "--", --help, subcommands; then kfdo's own table
 * (cli/commands.c): each --help names every option its command takes, and
 * the session options keep their order (a repeated --enable adds, --no-merge
 * forgets). The command line's objects are kfdo's, not libkfdo.a's: the test
 * compiles the three files it reads into itself, with the commands' run
 * functions stubbed. tests/cli/test_args.sh drives the real binary. */
#include "tests/unit/testlib.h"

#include <ctype.h>

#include "cli/args.c"
#include "cli/commands.c"
#include "cli/session.c"

/* The run functions the table names: never called here. */
#define STUB(name) \
	int name(const struct cli_args *a) { (void)a; return 0; }
STUB(cli_detect)
STUB(cli_doctor)
STUB(cli_plan)
STUB(cli_run)
STUB(cli_status)
STUB(cli_profile_stats)
STUB(cli_profile_perfdata)
STUB(cli_profile_list)
STUB(cli_profile_export)
STUB(cli_packages)
STUB(cli_packages_install)
STUB(cli_repeat)
STUB(cli_compare)
STUB(cli_measure)
STUB(cli_reboot)
STUB(cli_continue)
STUB(cli_reset)
STUB(cli_tui)

/* ---- the test's table ---- */

enum { T_JSON = 1, T_UNTIL, T_ENABLE, T_TREE, T_TARGET, T_YES, T_G_SYSROOT, T_G_TREE, T_ROOT, T_VERSION, T_NO_COLOR };

static int checked(const char *topic, const char *value)
{
	return strcmp(value, "bad") == 0 ? cli_usage_error(topic, "bad value '%s'", value) : 0;
}

static const struct cli_opt t_opts[] = {
	{ "json", 'j', 0, T_JSON, NULL },
	{ "until", 'u', CLI_VALUE, T_UNTIL, checked },
	{ "enable", 0, CLI_VALUE, T_ENABLE, NULL },
	{ "tree", 0, CLI_VALUE, T_TREE, NULL },
	{ "target", 0, CLI_VALUE, T_TARGET, NULL },
	{ "yes", 'y', 0, T_YES, NULL },
	{ NULL, 0, 0, 0, NULL },
};
/* The group's --tree is the command's own one's twin: the command's wins. */
static const struct cli_opt g_opts[] = {
	{ "sysroot", 0, CLI_VALUE, T_G_SYSROOT, NULL },
	{ "tree", 0, CLI_VALUE, T_G_TREE, NULL },
	{ NULL, 0, 0, 0, NULL },
};
static const struct cli_group g = { g_opts, "  --sysroot DIR  the group's\n" };
static const struct cli_opt root_opts_t[] = {
	{ "root", 0, CLI_VALUE, T_ROOT, NULL },
	{ NULL, 0, 0, 0, NULL },
};
static const struct cli_command sub_subs[] = {
	{ .name = "a", .opts = root_opts_t },
	{ .name = "b", .help = "Usage: t sub b\n" },
	{ .name = NULL },
};
static const struct cli_command list_subs[] = {
	{ .name = "install", .args = "PKG...", .min_args = 1, .max_args = -1 },
	{ .name = NULL },
};
static const struct cli_command t_cmds[] = {
	{ .name = "t", .summary = "the test command", .help = "Usage: t [--json]\n", .help_tail = "Tail.\n",
	  .opts = t_opts, .groups = { &g } },
	{ .name = "files", .summary = "files", .args = "FILE", .min_args = 1, .max_args = 1,
	  .arity_error = "%s wants one FILE", .flags = CLI_NO_OPTIONS },
	{ .name = "sub", .summary = "subcommands", .help = "Usage: t sub a|b\n", .subs = sub_subs,
	  .unknown_sub = "unknown subcommand '%s'", .missing_sub = "say which" },
	{ .name = "list", .help = "Usage: t list [FILE...]\n", .args = "FILE...", .max_args = -1, .subs = list_subs },
	{ .name = "__h", .summary = "hidden", .flags = CLI_HIDDEN },
	{ .name = NULL },
};
static const struct cli_opt top_opts[] = {
	{ "version", 'V', CLI_FINAL, T_VERSION, NULL },
	{ "no-color", 0, 0, T_NO_COLOR, NULL },
	{ NULL, 0, 0, 0, NULL },
};
static const struct cli_command troot = {
	.name = "kfdo", .help = "Usage: kfdo\n", .help_tail = "End.\n", .opts = top_opts, .subs = t_cmds,
	.unknown_sub = "unknown command '%s'",
};

/* ---- parsing with stdout and stderr caught ---- */

static char *out, *err;

static char *slurp(FILE *f)
{
	fflush(f);
	long n = ftell(f);
	char *s = xcalloc((size_t)n + 1, 1);
	rewind(f);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return s;
}

static enum cli_parse parse_argv(const struct cli_command *root, struct cli_args *a, char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	fflush(stdout);
	fflush(stderr);
	FILE *o = tmpfile(), *e = tmpfile();
	assert_non_null(o);
	assert_non_null(e);
	int keep_out = dup(1), keep_err = dup(2);
	dup2(fileno(o), 1);
	dup2(fileno(e), 2);
	enum cli_parse r = cli_args_parse(root, argc, argv, a);
	fflush(stdout);
	fflush(stderr);
	dup2(keep_out, 1);
	dup2(keep_err, 2);
	close(keep_out);
	close(keep_err);
	free(out);
	free(err);
	out = slurp(o);
	err = slurp(e);
	return r;
}

/* The words after "kfdo"; they live as long as the test function's block. */
#define PARSE(a, ...) parse_argv(&troot, (a), (char *[]){ "kfdo", __VA_ARGS__, NULL })
#define KFDO(a, ...) parse_argv(&cli_root, (a), (char *[]){ "kfdo", __VA_ARGS__, NULL })

/* A usage error: nothing to run, exactly this on stderr, nothing on stdout. */
#define ASSERT_ERROR(r, text)                                 \
	do {                                                  \
		assert_int_equal((r), CLI_PARSE_ERROR);       \
		assert_string_equal(err, "kfdo: " text "\n"); \
		assert_string_equal(out, "");                 \
	} while (0)

static void assert_opt(const struct cli_args *a, size_t i, int id, const char *value)
{
	assert_true(i < a->n_opt);
	assert_int_equal(a->opt[i].id, id);
	if (value)
		assert_string_equal(a->opt[i].value, value);
	else
		assert_null(a->opt[i].value);
}

static int teardown(void **state)
{
	(void)state;
	free(out);
	free(err);
	out = err = NULL;
	return 0;
}

/* ---- the parser ---- */

static void test_values(void **state)
{
	(void)state;
	struct cli_args a;
	/* Every way to write a value, in the order given; a repeated option is there each time. */
	assert_int_equal(PARSE(&a, "t", "--until", "x", "--until=y", "--enable=a", "--enable", "b", "-u", "z", "-uw",
			       "--enable=", "--json"),
			 CLI_PARSE_RUN);
	assert_string_equal(a.cmd->name, "t");
	assert_string_equal(a.topic, "t");
	assert_int_equal(a.n_opt, 8);
	assert_opt(&a, 0, T_UNTIL, "x");
	assert_opt(&a, 1, T_UNTIL, "y");
	assert_opt(&a, 2, T_ENABLE, "a");
	assert_opt(&a, 3, T_ENABLE, "b");
	assert_opt(&a, 4, T_UNTIL, "z");
	assert_opt(&a, 5, T_UNTIL, "w");
	assert_opt(&a, 6, T_ENABLE, "");
	assert_opt(&a, 7, T_JSON, NULL);
	assert_string_equal(cli_args_value(&a, T_UNTIL), "w");
	assert_true(cli_args_flag(&a, T_JSON));
	assert_false(cli_args_flag(&a, T_YES));
	assert_null(cli_args_value(&a, T_TREE));
	assert_int_equal(a.n_pos, 0);
	assert_null(a.pos[0]);
	assert_string_equal(err, "");
	cli_args_free(&a);

	/* A value is the next word whatever it looks like. */
	assert_int_equal(PARSE(&a, "t", "--until", "--json", "-u", "--"), CLI_PARSE_RUN);
	assert_int_equal(a.n_opt, 2);
	assert_opt(&a, 0, T_UNTIL, "--json");
	assert_opt(&a, 1, T_UNTIL, "--");
	cli_args_free(&a);

	/* Letters together; the one taking a value takes the next word. */
	assert_int_equal(PARSE(&a, "t", "-yju", "v"), CLI_PARSE_RUN);
	assert_int_equal(a.n_opt, 3);
	assert_opt(&a, 0, T_YES, NULL);
	assert_opt(&a, 1, T_JSON, NULL);
	assert_opt(&a, 2, T_UNTIL, "v");
	cli_args_free(&a);
}

static void test_names(void **state)
{
	(void)state;
	struct cli_args a;
	/* A name cut short while it stays one option's; the command's own before its group's. */
	assert_int_equal(PARSE(&a, "t", "--js", "--tr", "x", "--tree", "y", "--sys", "/r", "--sysroot=/s"), CLI_PARSE_RUN);
	assert_int_equal(a.n_opt, 5);
	assert_opt(&a, 0, T_JSON, NULL);
	assert_opt(&a, 1, T_TREE, "x");
	assert_opt(&a, 2, T_TREE, "y");
	assert_opt(&a, 3, T_G_SYSROOT, "/r");
	assert_opt(&a, 4, T_G_SYSROOT, "/s");
	cli_args_free(&a);
	/* --t: --tree or --target. */
	ASSERT_ERROR(PARSE(&a, "t", "--t", "x"), "unknown option '--t' (see kfdo t --help)");
	cli_args_free(&a);
	/* --help and -h are every command's without the table saying so. */
	assert_int_equal(PARSE(&a, "t", "--he"), CLI_PARSE_DONE);
	assert_string_equal(out, "Usage: t [--json]\n  --sysroot DIR  the group's\nTail.\n");
	cli_args_free(&a);
}

static void test_errors(void **state)
{
	(void)state;
	struct cli_args a;
	ASSERT_ERROR(PARSE(&a, "t", "--x"), "unknown option '--x' (see kfdo t --help)");
	cli_args_free(&a);
	ASSERT_ERROR(PARSE(&a, "t", "--x=1"), "unknown option '--x=1' (see kfdo t --help)");
	cli_args_free(&a);
	/* A value for an option that takes none: the word as written is unknown. */
	ASSERT_ERROR(PARSE(&a, "t", "--json=1"), "unknown option '--json=1' (see kfdo t --help)");
	cli_args_free(&a);
	ASSERT_ERROR(PARSE(&a, "t", "--until"), "option '--until' needs a value (see kfdo t --help)");
	cli_args_free(&a);
	ASSERT_ERROR(PARSE(&a, "t", "--unt"), "option '--unt' needs a value (see kfdo t --help)");
	cli_args_free(&a);
	ASSERT_ERROR(PARSE(&a, "t", "-yu"), "option '-u' needs a value (see kfdo t --help)");
	cli_args_free(&a);
	/* The first wrong letter of a cluster, alone. */
	ASSERT_ERROR(PARSE(&a, "t", "-xj"), "unknown option '-x' (see kfdo t --help)");
	cli_args_free(&a);
	ASSERT_ERROR(PARSE(&a, "t", "-jx"), "unknown option '-x' (see kfdo t --help)");
	cli_args_free(&a);
	/* A letter that is no ASCII: the word, rather than half a character. */
	ASSERT_ERROR(PARSE(&a, "t", "-\xc3\xa9"), "unknown option '-\xc3\xa9' (see kfdo t --help)");
	cli_args_free(&a);
	ASSERT_ERROR(PARSE(&a, "t", "extra"), "unexpected argument 'extra' (see kfdo t --help)");
	cli_args_free(&a);
	/* Options end at the first argument: what follows is one too. */
	ASSERT_ERROR(PARSE(&a, "t", "extra", "--json"), "unexpected argument 'extra' (see kfdo t --help)");
	cli_args_free(&a);
	/* A value is checked as it is read: before a later bad word, before --help. */
	ASSERT_ERROR(PARSE(&a, "t", "--until", "bad", "--x"), "bad value 'bad' (see kfdo t --help)");
	cli_args_free(&a);
	ASSERT_ERROR(PARSE(&a, "t", "--until=bad", "--help"), "bad value 'bad' (see kfdo t --help)");
	cli_args_free(&a);
	/* kfdo's own options and commands point at kfdo --help. */
	ASSERT_ERROR(PARSE(&a, "--x"), "unknown option '--x' (see kfdo --help)");
	cli_args_free(&a);
	ASSERT_ERROR(PARSE(&a, "--json", "t"), "unknown option '--json' (see kfdo --help)");
	cli_args_free(&a);
	ASSERT_ERROR(PARSE(&a, "nope"), "unknown command 'nope' (see kfdo --help)");
	cli_args_free(&a);
	ASSERT_ERROR(PARSE(&a, "-"), "unknown command '-' (see kfdo --help)");
	cli_args_free(&a);
}

static void test_dashdash(void **state)
{
	(void)state;
	struct cli_args a;
	assert_int_equal(PARSE(&a, "t", "--json", "--"), CLI_PARSE_RUN);
	assert_int_equal(a.n_opt, 1);
	assert_int_equal(a.n_pos, 0);
	cli_args_free(&a);
	ASSERT_ERROR(PARSE(&a, "t", "--", "--json"), "unexpected argument '--json' (see kfdo t --help)");
	cli_args_free(&a);
	/* After "--" a word is an argument, even one that names a subcommand... */
	assert_int_equal(PARSE(&a, "list", "--", "install", "-x"), CLI_PARSE_RUN);
	assert_string_equal(a.cmd->name, "list");
	assert_int_equal(a.n_pos, 2);
	assert_string_equal(a.pos[0], "install");
	assert_string_equal(a.pos[1], "-x");
	assert_null(a.pos[2]);
	cli_args_free(&a);
	/* ...unless the command takes no argument: then it can only be a subcommand. */
	assert_int_equal(PARSE(&a, "--", "sub", "--", "b"), CLI_PARSE_RUN);
	assert_string_equal(a.cmd->name, "b");
	cli_args_free(&a);
	/* "-" alone is an argument. */
	assert_int_equal(PARSE(&a, "list", "-"), CLI_PARSE_RUN);
	assert_int_equal(a.n_pos, 1);
	assert_string_equal(a.pos[0], "-");
	cli_args_free(&a);
}

static void test_help(void **state)
{
	(void)state;
	struct cli_args a;
	assert_int_equal(PARSE(&a, "t", "-h"), CLI_PARSE_DONE);
	assert_string_equal(out, "Usage: t [--json]\n  --sysroot DIR  the group's\nTail.\n");
	assert_string_equal(err, "");
	cli_args_free(&a);
	/* In order: --help after a wrong word is too late, before it wins. */
	ASSERT_ERROR(PARSE(&a, "t", "--x", "--help"), "unknown option '--x' (see kfdo t --help)");
	cli_args_free(&a);
	assert_int_equal(PARSE(&a, "t", "--help", "--x", "extra"), CLI_PARSE_DONE);
	cli_args_free(&a);
	/* kfdo's own lists the commands that have a summary, never a hidden one. */
	assert_int_equal(PARSE(&a, "--no-color", "--help"), CLI_PARSE_DONE);
	assert_string_equal(out, "Usage: kfdo\n"
				 "  t          the test command\n"
				 "  files      files\n"
				 "  sub        subcommands\n"
				 "End.\n");
	cli_args_free(&a);
	/* A subcommand without a help text of its own shows its command's. */
	assert_int_equal(PARSE(&a, "sub", "a", "--help"), CLI_PARSE_DONE);
	assert_string_equal(out, "Usage: t sub a|b\n");
	cli_args_free(&a);
	assert_int_equal(PARSE(&a, "sub", "b", "-h"), CLI_PARSE_DONE);
	assert_string_equal(out, "Usage: t sub b\n");
	cli_args_free(&a);
}

static void test_subcommands(void **state)
{
	(void)state;
	struct cli_args a;
	assert_int_equal(PARSE(&a, "--no-color", "sub", "a", "--root", "/r"), CLI_PARSE_RUN);
	assert_string_equal(a.cmd->name, "a");
	/* A subcommand's errors point at its command's help. */
	assert_string_equal(a.topic, "sub");
	assert_int_equal(a.n_opt, 2);
	assert_opt(&a, 0, T_NO_COLOR, NULL);
	assert_opt(&a, 1, T_ROOT, "/r");
	cli_args_free(&a);
	ASSERT_ERROR(PARSE(&a, "sub", "a", "--x"), "unknown option '--x' (see kfdo sub --help)");
	cli_args_free(&a);
	/* A command's options are its own: not its subcommand's, not kfdo's. */
	ASSERT_ERROR(PARSE(&a, "sub", "--root", "/r", "a"), "unknown option '--root' (see kfdo sub --help)");
	cli_args_free(&a);
	ASSERT_ERROR(PARSE(&a, "t", "--no-color"), "unknown option '--no-color' (see kfdo t --help)");
	cli_args_free(&a);
	ASSERT_ERROR(PARSE(&a, "sub"), "say which (see kfdo sub --help)");
	cli_args_free(&a);
	ASSERT_ERROR(PARSE(&a, "sub", "zz"), "unknown subcommand 'zz' (see kfdo sub --help)");
	cli_args_free(&a);
	ASSERT_ERROR(PARSE(&a, "sub", "b", "extra"), "unexpected argument 'extra' (see kfdo sub --help)");
	cli_args_free(&a);
	/* A command with arguments of its own and a subcommand: the word decides. */
	assert_int_equal(PARSE(&a, "list", "install", "p1", "p2"), CLI_PARSE_RUN);
	assert_string_equal(a.cmd->name, "install");
	assert_int_equal(a.n_pos, 2);
	cli_args_free(&a);
	assert_int_equal(PARSE(&a, "list", "f1", "install"), CLI_PARSE_RUN);
	assert_string_equal(a.cmd->name, "list");
	assert_int_equal(a.n_pos, 2);
	cli_args_free(&a);
	assert_int_equal(PARSE(&a, "list"), CLI_PARSE_RUN);
	assert_string_equal(a.cmd->name, "list");
	assert_int_equal(a.n_pos, 0);
	cli_args_free(&a);
	/* Too few without a message of the table's own: the argument names say what. */
	ASSERT_ERROR(PARSE(&a, "list", "install"), "install wants PKG... (see kfdo list --help)");
	cli_args_free(&a);
	/* No command: kfdo itself runs (the wizard). */
	assert_int_equal(PARSE(&a, "--no-color"), CLI_PARSE_RUN);
	assert_ptr_equal(a.cmd, &troot);
	assert_null(a.topic);
	cli_args_free(&a);
}

static void test_no_options(void **state)
{
	(void)state;
	struct cli_args a;
	/* A file may start with '-': no option is read, a first "--" aside. */
	assert_int_equal(PARSE(&a, "files", "-x"), CLI_PARSE_RUN);
	assert_string_equal(a.pos[0], "-x");
	cli_args_free(&a);
	assert_int_equal(PARSE(&a, "files", "--help"), CLI_PARSE_RUN);
	assert_string_equal(a.pos[0], "--help");
	cli_args_free(&a);
	assert_int_equal(PARSE(&a, "files", "--", "-weird"), CLI_PARSE_RUN);
	assert_int_equal(a.n_pos, 1);
	assert_string_equal(a.pos[0], "-weird");
	cli_args_free(&a);
	ASSERT_ERROR(PARSE(&a, "files"), "files wants one FILE (see kfdo files --help)");
	cli_args_free(&a);
	ASSERT_ERROR(PARSE(&a, "files", "a", "b"), "files wants one FILE (see kfdo files --help)");
	cli_args_free(&a);
	ASSERT_ERROR(PARSE(&a, "files", "--", "a", "b"), "files wants one FILE (see kfdo files --help)");
	cli_args_free(&a);
}

static void test_final(void **state)
{
	(void)state;
	struct cli_args a;
	/* --version ends the reading: what follows is not looked at. */
	assert_int_equal(PARSE(&a, "-V", "--bogus", "t"), CLI_PARSE_RUN);
	assert_ptr_equal(a.cmd, &troot);
	assert_true(cli_args_flag(&a, T_VERSION));
	cli_args_free(&a);
	assert_int_equal(PARSE(&a, "--vers"), CLI_PARSE_RUN);
	assert_true(cli_args_flag(&a, T_VERSION));
	cli_args_free(&a);
	ASSERT_ERROR(PARSE(&a, "--bogus", "--version"), "unknown option '--bogus' (see kfdo --help)");
	cli_args_free(&a);
	/* -hV: help first. */
	assert_int_equal(PARSE(&a, "-hV"), CLI_PARSE_DONE);
	cli_args_free(&a);
}

/* ---- kfdo's own table ---- */

/* The whole --help of a command, as `kfdo ... --help` prints it. */
static char *help_of(const struct cli_command *c)
{
	FILE *f = tmpfile();
	assert_non_null(f);
	cli_help_print(f, c);
	return slurp(f);
}

/* Every option a command takes is in the help it prints, and so are its arguments. */
static void check_command(const struct cli_command *c, const struct cli_command *help)
{
	if (c->flags & CLI_HIDDEN)
		return;
	if (c->help)
		help = c;
	assert_non_null(help);
	char *text = help_of(help);
	const struct cli_opt *lists[CLI_GROUPS_MAX + 2];
	size_t n = opt_lists(c, lists);
	/* The last list is --help: every command takes it, no help text names it. */
	for (size_t l = 0; l + 1 < n; l++)
		for (const struct cli_opt *o = lists[l]; o->name; o++) {
			char *word = xasprintf("--%s", o->name);
			/* The whole name: --tree in "--tree DIR", not in a "--tree-x". */
			const char *at = strstr(text, word);
			while (at && (isalnum((unsigned char)at[strlen(word)]) || at[strlen(word)] == '-'))
				at = strstr(at + 1, word);
			if (!at)
				fail_msg("kfdo %s --help does not name %s", c->name, word);
			/* -h is --help's. */
			assert_int_not_equal(o->letter, 'h');
			free(word);
		}
	if (c->args && !strstr(text, c->args))
		fail_msg("kfdo %s --help does not name its arguments %s", c->name, c->args);
	/* Too few arguments must be told in the command's words. */
	if (c->min_args > 0)
		assert_non_null(c->arity_error);
	free(text);
	for (const struct cli_command *s = c->subs; s && s->name; s++)
		check_command(s, help);
}

static void test_table_help(void **state)
{
	(void)state;
	check_command(&cli_root, NULL);
	/* kfdo --help lists every command but the internal one. */
	char *text = help_of(&cli_root);
	for (const struct cli_command *c = cli_root.subs; c->name; c++) {
		char *line = xasprintf("\n  %-10s ", c->name);
		if (c->flags & CLI_HIDDEN)
			assert_null(strstr(text, line));
		else
			assert_non_null(strstr(text, line));
		free(line);
	}
	assert_null(strstr(text, "__repeat"));
	free(text);
}

static void test_table_parses(void **state)
{
	(void)state;
	struct cli_args a;
	ASSERT_ERROR(KFDO(&a, "run", "--until"), "option '--until' needs a value (see kfdo run --help)");
	cli_args_free(&a);
	ASSERT_ERROR(KFDO(&a, "run", "--until", "bogus", "--x"), "unknown step 'bogus' (see kfdo run --help)");
	cli_args_free(&a);
	ASSERT_ERROR(KFDO(&a, "run", "extra"), "unexpected argument 'extra' (see kfdo run --help)");
	cli_args_free(&a);
	ASSERT_ERROR(KFDO(&a, "detect", "-xj"), "unknown option '-x' (see kfdo detect --help)");
	cli_args_free(&a);
	ASSERT_ERROR(KFDO(&a, "frobnicate"), "unknown command 'frobnicate' (see kfdo --help)");
	cli_args_free(&a);
	ASSERT_ERROR(KFDO(&a, "profile"), "say what: stats FILE, perfdata FILE, list or export (see kfdo profile --help)");
	cli_args_free(&a);
	ASSERT_ERROR(KFDO(&a, "profile", "stats"), "stats wants one FILE (see kfdo profile --help)");
	cli_args_free(&a);
	ASSERT_ERROR(KFDO(&a, "profile", "show"), "unknown subcommand 'show' (see kfdo profile --help)");
	cli_args_free(&a);
	/* install counts its packages itself, after --root: a missing --root is told first. */
	assert_int_equal(KFDO(&a, "packages", "install", "--root", "/r"), CLI_PARSE_RUN);
	assert_ptr_equal(a.cmd->run, cli_packages_install);
	assert_int_equal(a.n_pos, 0);
	cli_args_free(&a);

	assert_int_equal(KFDO(&a, "run", "-y", "--from=build", "--until", "install", "--tree", "/t"), CLI_PARSE_RUN);
	assert_ptr_equal(a.cmd->run, cli_run);
	assert_true(cli_args_flag(&a, OPT_YES));
	assert_string_equal(cli_args_value(&a, OPT_FROM), "build");
	assert_string_equal(cli_args_value(&a, OPT_UNTIL), "install");
	cli_args_free(&a);
	/* tui's --sysroot is the hardware group's (it is the session's too, cli_tui says). */
	assert_int_equal(KFDO(&a, "tui", "--sysroot", "/s", "--tree", "/t"), CLI_PARSE_RUN);
	assert_ptr_equal(a.cmd->run, cli_tui);
	assert_opt(&a, 0, OPT_HW_SYSROOT, "/s");
	assert_opt(&a, 1, OPT_TREE, "/t");
	cli_args_free(&a);
	assert_int_equal(KFDO(&a, "profile", "stats", "-x"), CLI_PARSE_RUN);
	assert_ptr_equal(a.cmd->run, cli_profile_stats);
	assert_string_equal(a.pos[0], "-x");
	cli_args_free(&a);
	assert_int_equal(KFDO(&a, "__repeat", "3", "--", "sh", "-c", "true"), CLI_PARSE_RUN);
	assert_ptr_equal(a.cmd->run, cli_repeat);
	assert_int_equal(a.n_pos, 5);
	assert_string_equal(a.pos[1], "--");
	cli_args_free(&a);
	/* kfdo alone: the wizard, through kfdo's own run. */
	assert_int_equal(KFDO(&a, "--no-color"), CLI_PARSE_RUN);
	assert_ptr_equal(a.cmd, &cli_root);
	assert_true(cli_args_flag(&a, OPT_NO_COLOR));
	cli_args_free(&a);
}

/* The session options as plan, run and tui take them: in the order given. */
static void test_session_repeats(void **state)
{
	(void)state;
	struct cli_args a;
	struct cli_session_opts so;
	assert_int_equal(KFDO(&a, "plan", "--enable", "A", "--enable=B", "--disable", "C", "--make-var", "X=1",
			      "--make-var=Y=", "--merge", "a", "--no-merge", "--merge", "b", "--merge=all", "--no-autofdo",
			      "--autofdo", "--thin-lto", "--no-thin-lto", "--jobs", "2", "--jobs", "3"),
			 CLI_PARSE_RUN);
	cli_session_opts_init(&so);
	cli_session_opts_take(&so, &a);
	assert_true(so.any);
	assert_int_equal(strv_len(so.enable), 2);
	assert_string_equal(so.enable[0], "A");
	assert_string_equal(so.enable[1], "B");
	assert_int_equal(strv_len(so.disable), 1);
	assert_int_equal(strv_len(so.make_vars), 2);
	assert_string_equal(so.make_vars[0], "X=1");
	assert_string_equal(so.make_vars[1], "Y=");
	/* --no-merge forgets the --merge before it, not the ones after. */
	assert_int_equal(strv_len(so.merge), 2);
	assert_string_equal(so.merge[0], "b");
	assert_string_equal(so.merge[1], "all");
	assert_false(so.no_merge);
	/* The last word wins. */
	assert_int_equal(so.autofdo, 1);
	assert_int_equal(so.thin_lto, 0);
	assert_string_equal(so.jobs, "3");
	assert_int_equal(so.full_lto, -1);
	cli_session_opts_free(&so);
	cli_args_free(&a);

	assert_int_equal(KFDO(&a, "run", "--merge", "a", "--no-merge", "--yes"), CLI_PARSE_RUN);
	cli_session_opts_init(&so);
	cli_session_opts_take(&so, &a);
	assert_null(so.merge);
	assert_true(so.no_merge);
	cli_session_opts_free(&so);
	cli_args_free(&a);

	/* Options that are not the session's leave it untouched. */
	assert_int_equal(KFDO(&a, "--no-color", "run", "--yes", "--until", "build"), CLI_PARSE_RUN);
	cli_session_opts_init(&so);
	cli_session_opts_take(&so, &a);
	assert_false(so.any);
	cli_session_opts_free(&so);
	cli_args_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_values, teardown),
		cmocka_unit_test_teardown(test_names, teardown),
		cmocka_unit_test_teardown(test_errors, teardown),
		cmocka_unit_test_teardown(test_dashdash, teardown),
		cmocka_unit_test_teardown(test_help, teardown),
		cmocka_unit_test_teardown(test_subcommands, teardown),
		cmocka_unit_test_teardown(test_no_options, teardown),
		cmocka_unit_test_teardown(test_final, teardown),
		cmocka_unit_test_teardown(test_table_help, teardown),
		cmocka_unit_test_teardown(test_table_parses, teardown),
		cmocka_unit_test_teardown(test_session_repeats, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
