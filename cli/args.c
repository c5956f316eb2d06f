/* The one parser of kfdo's command line, for every command of the table.
 * It reads the words as GNU programs do, in order and one level at a time:
 * kfdo's own options, the command's name, its options, a subcommand's name,
 * its options, then the arguments. Options stop at the first argument (what
 * follows it is an argument too) or at "--"; a long name may be cut short
 * while it stays unambiguous; a value follows its option as the next word
 * whatever it looks like, or after '='. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/util.h"
#include "cli/args.h"

/* Every command takes --help and -h, so the table need not list them. */
enum { OPT_HELP_ = -1 };
static const struct cli_opt help_opts[] = {
	{ "help", 'h', 0, OPT_HELP_, NULL },
	{ NULL, 0, 0, 0, NULL },
};

/* Parsing goes on (an internal result beside enum cli_parse). */
#define MORE (-1)

int cli_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;
	fputs("kfdo: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (command)
		fprintf(stderr, _(" (see kfdo %s --help)\n"), command);
	else
		fprintf(stderr, _(" (see kfdo --help)\n"));
	return EXIT_USAGE;
}

/* The option lists a command knows, in the order a name is looked up: its own,
 * its groups' (a name two lists share is the first one's: tui's --sysroot is
 * the hardware one), then --help. */
static size_t opt_lists(const struct cli_command *c, const struct cli_opt *lists[CLI_GROUPS_MAX + 2])
{
	size_t n = 0;
	if (c->opts)
		lists[n++] = c->opts;
	for (size_t g = 0; g < CLI_GROUPS_MAX && c->groups[g]; g++)
		lists[n++] = c->groups[g]->opts;
	lists[n++] = help_opts;
	return n;
}

/* The option a long name (len bytes of name) means: the one of that exact name,
 * else the only name it begins. NULL when none or several. */
static const struct cli_opt *opt_find_long(const struct cli_command *c, const char *name, size_t len)
{
	const struct cli_opt *lists[CLI_GROUPS_MAX + 2], *prefix = NULL;
	bool ambiguous = false;
	size_t n = opt_lists(c, lists);
	if (len == 0)
		return NULL;
	for (size_t l = 0; l < n; l++)
		for (const struct cli_opt *o = lists[l]; o->name; o++) {
			if (strncmp(o->name, name, len) != 0)
				continue;
			if (o->name[len] == '\0')
				return o;
			if (!prefix)
				prefix = o;
			else if (strcmp(prefix->name, o->name) != 0)
				ambiguous = true;
		}
	return ambiguous ? NULL : prefix;
}

static const struct cli_opt *opt_find_short(const struct cli_command *c, char letter)
{
	const struct cli_opt *lists[CLI_GROUPS_MAX + 2];
	size_t n = opt_lists(c, lists);
	for (size_t l = 0; l < n; l++)
		for (const struct cli_opt *o = lists[l]; o->name; o++)
			if (o->letter && o->letter == letter)
				return o;
	return NULL;
}

static const struct cli_command *sub_find(const struct cli_command *c, const char *name)
{
	for (const struct cli_command *s = c->subs; s && s->name; s++)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* Where the parse stands: the words, the next one, and whose --help to print. */
struct parser {
	int argc, i;
	char **argv;
	const char *topic;
	const struct cli_command *help;
	struct cli_args *a;
};

/* One option read, with its value: --help prints, a check may refuse, the
 * rest is kept in order. MORE, or how the parse ends. */
static int option_take(struct parser *p, const struct cli_opt *o, const char *value)
{
	if (o->id == OPT_HELP_) {
		cli_help_print(stdout, p->help);
		return CLI_PARSE_DONE;
	}
	if (o->check && o->check(p->topic, value) != 0)
		return CLI_PARSE_ERROR;
	struct cli_args *a = p->a;
	if (a->n_opt == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 8;
		a->opt = xrealloc(a->opt, a->cap * sizeof(*a->opt));
	}
	a->opt[a->n_opt++] = (struct cli_arg){ o->id, value };
	return o->flags & CLI_FINAL ? CLI_PARSE_RUN : MORE;
}

static int bad(struct parser *p, const char *fmt, const char *word)
{
	cli_usage_error(p->topic, fmt, word);
	return CLI_PARSE_ERROR;
}

/* "--name", "--name=value" or "--name value": the word is named as written. */
static int option_long(struct parser *p, const struct cli_command *c, const char *word)
{
	const char *name = word + 2, *eq = strchr(name, '=');
	const struct cli_opt *o = opt_find_long(c, name, eq ? (size_t)(eq - name) : strlen(name));
	if (!o || (eq && !(o->flags & CLI_VALUE)))
		return bad(p, _("unknown option '%s'"), word);
	const char *value = NULL;
	if (o->flags & CLI_VALUE) {
		if (eq)
			value = eq + 1;
		else if (p->i < p->argc)
			value = p->argv[p->i++];
		else
			return bad(p, _("option '%s' needs a value"), word);
	}
	return option_take(p, o, value);
}

/* "-abc": each letter an option; one that takes a value takes the rest of the
 * word, or the next word. */
static int option_letters(struct parser *p, const struct cli_command *c, const char *word)
{
	for (const char *l = word + 1; *l; l++) {
		/* A letter that is no printable ASCII would print half a character: the word then. */
		unsigned char u = (unsigned char)*l;
		char one[3] = { '-', *l, '\0' };
		const char *name = u > 32 && u < 127 ? one : word;
		const struct cli_opt *o = opt_find_short(c, *l);
		if (!o)
			return bad(p, _("unknown option '%s'"), name);
		const char *value = NULL;
		if (o->flags & CLI_VALUE) {
			if (l[1])
				value = l + 1;
			else if (p->i < p->argc)
				value = p->argv[p->i++];
			else
				return bad(p, _("option '%s' needs a value"), name);
		}
		int r = option_take(p, o, value);
		if (r != MORE || value)
			return r;
	}
	return MORE;
}

/* The options of c, up to its first argument. *dashdash: they ended with "--". */
static int options_read(struct parser *p, const struct cli_command *c, bool *dashdash)
{
	*dashdash = false;
	if (c->flags & CLI_NO_OPTIONS) {
		if (p->i < p->argc && strcmp(p->argv[p->i], "--") == 0) {
			p->i++;
			*dashdash = true;
		}
		return MORE;
	}
	while (p->i < p->argc) {
		const char *w = p->argv[p->i];
		if (w[0] != '-' || w[1] == '\0') /* "-" alone is an argument: stdin, for those that read it */
			return MORE;
		p->i++;
		if (strcmp(w, "--") == 0) {
			*dashdash = true;
			return MORE;
		}
		int r = w[1] == '-' ? option_long(p, c, w) : option_letters(p, c, w);
		if (r != MORE)
			return r;
	}
	return MORE;
}

/* The arguments left for c: how many it takes. */
static int args_check(struct parser *p, const struct cli_command *c)
{
	int n = p->argc - p->i;
	if (n >= c->min_args && (c->max_args < 0 || n <= c->max_args))
		return MORE;
	if (c->arity_error)
		cli_usage_error(p->topic, _(c->arity_error), c->name);
	else if (c->max_args >= 0 && n > c->max_args)
		cli_usage_error(p->topic, _("unexpected argument '%s'"), p->argv[p->i + c->max_args]);
	else
		cli_usage_error(p->topic, _("%s wants %s"), c->name, c->args ? c->args : "?");
	return CLI_PARSE_ERROR;
}

enum cli_parse cli_args_parse(const struct cli_command *root, int argc, char **argv, struct cli_args *a)
{
	memset(a, 0, sizeof(*a));
	struct parser p = { .argc = argc, .i = argc > 0 ? 1 : 0, .argv = argv, .a = a };
	const struct cli_command *c = root;
	for (;;) {
		a->cmd = c;
		if (c->help)
			p.help = c;
		bool dashdash;
		int r = options_read(&p, c, &dashdash);
		if (r == CLI_PARSE_RUN)
			break;
		if (r != MORE)
			return (enum cli_parse)r;
		/* After "--" a word is an argument, unless c takes none: then it can only name a subcommand. */
		if (c->subs && p.i < argc && (!dashdash || c->max_args == 0)) {
			const struct cli_command *s = sub_find(c, argv[p.i]);
			if (s) {
				if (!p.topic)
					p.topic = s->name;
				a->topic = p.topic;
				p.i++;
				c = s;
				continue;
			}
			if (c->max_args == 0) {
				bad(&p, _(c->unknown_sub), argv[p.i]);
				return CLI_PARSE_ERROR;
			}
		}
		if (c->subs && p.i >= argc && c->missing_sub) {
			cli_usage_error(p.topic, "%s", _(c->missing_sub));
			return CLI_PARSE_ERROR;
		}
		if (args_check(&p, c) != MORE)
			return CLI_PARSE_ERROR;
		break;
	}
	a->pos = argv + p.i;
	a->n_pos = argc - p.i;
	return CLI_PARSE_RUN;
}

void cli_args_free(struct cli_args *a)
{
	free(a->opt);
	a->opt = NULL;
	a->n_opt = a->cap = 0;
}

bool cli_args_flag(const struct cli_args *a, int id)
{
	for (size_t i = 0; i < a->n_opt; i++)
		if (a->opt[i].id == id)
			return true;
	return false;
}

const char *cli_args_value(const struct cli_args *a, int id)
{
	for (size_t i = a->n_opt; i-- > 0;)
		if (a->opt[i].id == id)
			return a->opt[i].value;
	return NULL;
}

void cli_help_print(FILE *out, const struct cli_command *c)
{
	if (c->help)
		fputs(_(c->help), out);
	for (size_t g = 0; g < CLI_GROUPS_MAX && c->groups[g]; g++)
		if (c->groups[g]->help)
			fputs(_(c->groups[g]->help), out);
	for (const struct cli_command *s = c->subs; s && s->name; s++)
		if (s->summary && !(s->flags & CLI_HIDDEN))
			fprintf(out, "  %-10s %s\n", s->name, _(s->summary));
	if (c->help_tail)
		fputs(_(c->help_tail), out);
}
