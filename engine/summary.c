/* The texts of the flow's two stops (summary.h). */
#include "engine/summary.h"

#include <stdlib.h>

#include "base/i18n.h"
#include "base/strv.h"
#include "base/util.h"

char **summary_reboot(const struct session *s)
{
	const char *rel = s->artifacts.kernel_release ? s->artifacts.kernel_release : "?";
	char **v = NULL;
	strv_pushf(&v, _("Reboot into %s, the kernel kfdo built and installed, then run kfdo again: it checks "
			 "the running kernel and goes on with the profile step."), rel);
	/* Root mode installs into another root: no boot loader of this machine is involved. */
	if (!s->install_root) {
		strv_push(&v, _("pacman's mkinitcpio hook puts it at /boot/vmlinuz-<package>; a boot menu that does "
				"not list it yet needs regenerating, e.g. grub-mkconfig -o /boot/grub/grub.cfg."));
		strv_push(&v, _("Or leave it to kfdo: kfdo reboot boots that entry once and goes on by itself after "
				"the login (record, convert, build), up to the next install."));
	}
	return v;
}

char **summary_finish(const struct session *s)
{
	const struct artifacts *a = &s->artifacts;
	char **v = NULL;
	strv_pushf(&v, _("The kernel optimized with AutoFDO is installed: %s."),
		   a->kernel_release ? a->kernel_release : "?");
	strv_pushf(&v, _("vmlinux   %s (build-id %s)"), a->vmlinux ? a->vmlinux : "?", a->build_id ? a->build_id : "?");
	if (a->profile) {
		strv_pushf(&v, _("profile   %s"), a->profile);
		strv_pushf(&v, _("Reuse it for a later build of this tree: make ... CLANG_AUTOFDO_PROFILE=%s, or "
				 "record a fresh one on this kernel: kfdo run --from profile."), a->profile);
	}
	if (s->measure.off)
		strv_push(&v, _("Reboot into it to run it; kfdo checks that it is the running kernel on its next run."));
	else
		strv_push(&v, _("Reboot into it to run it; kfdo's next run checks that it is the running kernel and "
				"measures it against the baseline (the compare step)."));
	return v;
}
