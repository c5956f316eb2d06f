#!/usr/bin/env bash
# The layout's rules, read from the #include lines (README, "Layout"):
#   - the layers, lowest first: base, proc, detect, engine, tui, cli; a file may
#     include its own layer and the ones below, never one above (base includes
#     nothing of kfdo's but base, detect nothing of the engine, the engine no
#     front end, the wizard nothing of the command line);
#   - a step file (engine/step_NAME.c) includes no other step's header;
#   - only tui/ includes curses;
#   - no circle: a module (a .c with its .h) never reaches itself through includes.
#   layout-check.sh [ROOT]   (default: the checkout) prints each breach and exits 1,
#                            or prints a summary line and exits 0
set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 2
layers="base proc detect engine tui cli"

files=$(for d in $layers; do ls "$d"/*.c "$d"/*.h 2>/dev/null; done)
[ -n "$files" ] || { echo "layout-check: no source files below $root" >&2; exit 2; }

# "FILE<TAB>INCLUDED" for every #include of the tree's own files, and "FILE<TAB><curses>".
edges=$(for f in $files; do
    sed -n -e 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' \
        -e 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*<\(n\{0,1\}cursesw\{0,1\}\(\/[a-z]*\)\{0,1\}\.h\)>.*/<\1>/p' "$f" |
        while read -r inc; do printf '%s\t%s\n' "$f" "$inc"; done
done)

awk -F'\t' -v layers="$layers" '
function layer(p,   d) { d = p; sub(/\/.*/, "", d); return (d in rank) ? rank[d] : -1 }
function module(p) { sub(/\.[ch]$/, "", p); sub(/_int$/, "", p); return p }
function stepname(p,   b) { b = p; sub(/^.*\//, "", b); sub(/\.[ch]$/, "", b); return b }
BEGIN { n = split(layers, L, " "); for (i = 1; i <= n; i++) rank[L[i]] = i }
{
    from = $1; to = $2
    if (to ~ /^</) {
        if (from !~ /^tui\//) { print "curses outside tui/: " from " includes " to; bad++ }
        next
    }
    # Only the checkout'"'"'s own headers count (a header of another project is none of ours).
    if (layer(to) < 0) next
    if (layer(to) > layer(from)) {
        print "wrong way: " from " (" L[layer(from)] ") includes " to " (" L[layer(to)] ")"; bad++
    }
    if (from ~ /^engine\/step_/ && to ~ /^engine\/step_/ && module(from) != module(to)) {
        print "step includes step: " from " includes " to; bad++
    }
    a = module(from); b = module(to)
    if (a != b && !((a, b) in seen)) { seen[a, b] = 1; out[a] = out[a] " " b; nodes[a]; nodes[b]; edges++ }
}
END {
    # Kahn: peel off modules that include nothing left; what remains is in or behind a circle.
    do {
        changed = 0
        for (m in nodes) {
            if (m in gone) continue
            k = split(out[m], t, " "); live = 0
            for (i = 1; i <= k; i++) if (!(t[i] in gone)) { live = 1; break }
            if (!live) { gone[m]; changed = 1 }
        }
    } while (changed)
    for (m in nodes) if (!(m in gone)) { start = m; break }
    if (start != "") {
        # Walk the remaining modules until one repeats: that is a circle.
        path = ""; cur = start
        while (!(cur in onpath)) {
            onpath[cur] = ++step; order[step] = cur
            k = split(out[cur], t, " ")
            for (i = 1; i <= k; i++) if (!(t[i] in gone)) { cur = t[i]; break }
        }
        for (i = onpath[cur]; i <= step; i++) path = path order[i] " -> "
        print "circle: " path cur; bad++
    }
    nm = 0; for (m in nodes) nm++
    if (bad) exit 1
    printf "layout-check: %d modules, %d include arrows: no circle, every arrow down the layers (%s)\n", nm, edges, layers
}' <<<"$edges"
