/* The build steps' part of the runner (engine/runner_int.h): the progress
 * model's setup with the last build's curve or a dry run first, and what a
 * build leaves (its history for the next ETA, its packages). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/i18n.h"
#include "base/strv.h"
#include "engine/makepkg.h"
#include "engine/pkg.h"
#include "engine/runner_int.h"
#include "engine/session.h"

/* The build's own outcome: history for the next ETA, packages, a summary. */
void runner_build_complete(struct runner *r, int64_t now, struct strbuf *msg)
{
	double secs = runner_build_seconds(r, now);
	kbuild_finish(r->kb, secs);
	const struct kbuild_counts *c = kbuild_counts(r->kb);
	if (r->config_hash) {
		struct kbuild_history h;
		kbuild_history_from_run(r->kb, &h);
		session_history_add(r->s, r->s->tree, r->config_hash, secs, (long)c->lines, kbuild_history_to_json(&h));
		kbuild_history_free(&h);
	}
	char d[32];
	fmt_duration(d, sizeof(d), secs);
	sb_addf(msg, _("built in %s: %zu steps, %zu warnings"), d, c->steps, c->warnings);
	bool makepkg = r->s->pkgbuild != NULL;
	if (makepkg || (r->s->target && strcmp(r->s->target, "pacman-pkg") == 0)) {
		/* makepkg's own run writes into kfdo's PKGDEST; pacman-pkg into the objtree. */
		char *obj = makepkg ? makepkg_pkgdest(r->id == STEP_FINAL_BUILD) : session_objtree(r->s);
		char *cfg = session_config_path(r->s);
		struct stat st;
		char **pkgs = NULL;
		/* This build's packages only: the first build's lie beside the final
		 * build's, and both are newer than .config. */
		struct timespec after = r->wall_start;
		if (cfg && stat(cfg, &st) == 0 && timespec_after(&st.st_mtim, &after))
			after = st.st_mtim;
		int n = pkg_find_files(obj, &after, &pkgs);
		strv_free(r->s->artifacts.packages);
		r->s->artifacts.packages = n > 0 ? pkgs : NULL;
		if (n <= 0)
			strv_free(pkgs);
		sb_addf(msg, _(", %d packages"), n > 0 ? n : 0);
		free(obj);
		free(cfg);
	}
}

/* Prepare and a dry run before a first build: `make -n` lists what is to come
 * only once prepare has run for real (kbuild.h has the measurements). */
static void add_dryrun(struct runner *r)
{
	const struct plan_cmd *build = NULL;
	for (size_t i = 0; i < r->plan.n; i++)
		if (r->plan.cmds[i].kind == PLAN_RUN)
			build = &r->plan.cmds[i];
	size_t n = build ? strv_len(build->argv) : 0;
	/* makepkg builds in the tree its configure run extracted and prepared:
	 * make -n all there, with linux-cachyos's BUILD_FLAGS for an LTO kernel.
	 * Its own: another compiler would have syncconfig rewrite the PKGBUILD's
	 * .config even under -n. */
	if (n >= 2 && strcmp(build->argv[0], "makepkg") == 0 && strcmp(build->argv[1], "--noextract") == 0 &&
	    r->s->tree) {
		char **dry = strv_dup((char *[]){ "make", "-n", "CC=clang", "LD=ld.lld", "LLVM=1", "LLVM_IAS=1", "-C",
						  r->s->tree, "all", NULL });
		runner_add_cmd(r, RC_DRYRUN, NULL, dry);
		return;
	}
	if (n < 2 || strcmp(build->argv[0], "make") != 0)
		return;
	char **prepare = strv_dup(build->argv), **dry = NULL;
	free(prepare[n - 1]);
	prepare[n - 1] = xstrdup("prepare");
	/* kbuild's *-pkg targets are "+" recipes, which make runs even under -n: it
	 * would really run makepkg. What they compile is what "all" compiles. */
	const char *target = strstr(build->argv[n - 1], "-pkg") ? "all" : build->argv[n - 1];
	for (size_t i = 0; i + 1 < n; i++) {
		strv_push(&dry, build->argv[i]);
		if (i == 0)
			strv_push(&dry, "-n");
	}
	strv_push(&dry, target);
	runner_add_cmd(r, RC_PREPARE, NULL, prepare);
	runner_add_cmd(r, RC_DRYRUN, NULL, dry);
}

void runner_build_setup(struct runner *r)
{
	r->kb = kbuild_new();
	makepkg_log_init(&r->mk);
	r->mk_on = true;
	char *cfg = session_config_path(r->s);
	r->config_hash = cfg ? state_config_hash(cfg) : NULL;
	free(cfg);
	const struct build_history *h = r->config_hash ? session_history_find(r->s, r->s->tree, r->config_hash) : NULL;
	struct kbuild_history kh;
	if (h && h->n_runs && h->runs[h->n_runs - 1].curve &&
	    kbuild_history_from_json(h->runs[h->n_runs - 1].curve, &kh, NULL) == 0) {
		kbuild_set_history(r->kb, &kh);
		kbuild_history_free(&kh);
	} else {
		add_dryrun(r);
	}
}

