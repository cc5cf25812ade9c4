#!/bin/sh
# Prints a deb822 stanza list (Types: deb-src) for this Debian release, derived from the
# machine's own apt "deb" entries, so that lxss never names a package mirror itself.
#
#   sh generator/apt-deb-src.sh [-c CODENAME] [-o OS_RELEASE] [SOURCE_FILE...]
#
# CODENAME defaults to VERSION_CODENAME from OS_RELEASE (default /etc/os-release). The source
# files default to the ones apt reads: /etc/apt/sources.list, /etc/apt/sources.list.d/*.list
# (one-line format) and /etc/apt/sources.list.d/*.sources (deb822); a name ending in .sources
# is read as deb822, any other as one-line. Kept: entries of type deb whose suites include
# CODENAME or CODENAME-updates and whose components include Debian's archive areas (main,
# contrib, non-free, non-free-firmware); only those suites and components are copied, with the
# same URIs and Signed-By. Other repositories (nodesource, cloud-sdk-bookworm, ...) have
# other suites or components and are skipped. Entries with the same URIs, components and
# Signed-By are merged into one stanza. Exits 1 with a message on stderr when nothing is found.
set -eu

codename=
os_release=/etc/os-release
while getopts c:o: opt; do
    case $opt in
        c) codename=$OPTARG ;;
        o) os_release=$OPTARG ;;
        *) echo "usage: apt-deb-src.sh [-c CODENAME] [-o OS_RELEASE] [SOURCE_FILE...]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))

if [ -z "$codename" ] && [ -r "$os_release" ]; then
    codename=$(sed -n 's/^VERSION_CODENAME=//p' "$os_release" | tr -d "\"'" | head -n 1)
fi
if [ -z "$codename" ]; then
    echo "apt-deb-src: cannot tell the Debian release (no VERSION_CODENAME in $os_release); add a deb-src entry for your Debian mirror to /etc/apt/sources.list.d/ by hand" >&2
    exit 1
fi

if [ $# = 0 ]; then
    set -- /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources
fi
files=
for f in "$@"; do
    [ -f "$f" ] && [ -r "$f" ] || continue
    files="$files $f"
done

# shellcheck disable=SC2086 # $files is a list of paths without blanks (apt's own naming rules)
if [ -n "$files" ] && awk -v codename="$codename" '
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
function has_word(list, w,   n, arr, i) {
    n = split(list, arr, /[ \t]+/)
    for (i = 1; i <= n; i++) if (arr[i] == w) return 1
    return 0
}
function add(types, uris, suites, comps, signedby,   n, arr, i, s, c, key) {
    if (!has_word(types, "deb")) return
    s = ""; n = split(suites, arr, /[ \t]+/)
    for (i = 1; i <= n; i++) if (arr[i] in want && !has_word(s, arr[i])) s = s " " arr[i]
    c = ""; n = split(comps, arr, /[ \t]+/)
    for (i = 1; i <= n; i++) if (arr[i] in area && !has_word(c, arr[i])) c = c " " arr[i]
    if (s == "" || c == "") return
    uris = trim(uris); c = substr(c, 2)
    key = uris SUBSEP c SUBSEP signedby
    if (!(key in ksuites)) {
        order[++nkeys] = key; kuris[key] = uris; kcomps[key] = c; ksigned[key] = signedby; ksuites[key] = ""
    }
    n = split(s, arr, /[ \t]+/)
    for (i = 1; i <= n; i++)
        if (arr[i] != "" && !has_word(ksuites[key], arr[i]))
            ksuites[key] = ksuites[key] (ksuites[key] == "" ? "" : " ") arr[i]
}
function flush(   k) {
    if (instanza && tolower(fld["enabled"]) != "no")
        add(fld["types"], fld["uris"], fld["suites"], fld["components"], fld["signed-by"])
    for (k in fld) delete fld[k]
    instanza = 0; last = ""
}
BEGIN {
    want[codename] = 1; want[codename "-updates"] = 1
    area["main"] = 1; area["contrib"] = 1; area["non-free"] = 1; area["non-free-firmware"] = 1
}
FNR == 1 { flush(); deb822 = (FILENAME ~ /\.sources$/) }
deb822 && /^[ \t]*$/ { flush(); next }
deb822 && /^#/ { next }
deb822 && /^[ \t]/ {
    # continuation line: Signed-By may carry an inline key, kept line by line
    if (last == "signed-by") fld[last] = fld[last] "\n" $0
    else if (last != "") fld[last] = fld[last] " " trim($0)
    next
}
deb822 {
    i = index($0, ":"); if (i == 0) next
    last = tolower(trim(substr($0, 1, i - 1))); fld[last] = trim(substr($0, i + 1)); instanza = 1
    next
}
{
    # one-line format: deb [ options ] URI suite [component...]
    sub(/#.*/, "")
    if (NF < 3 || $1 != "deb") next
    i = 2; opts = ""
    if ($2 ~ /^\[/) {
        for (; i <= NF; i++) { opts = opts " " $i; if ($i ~ /\]$/) { i++; break } }
    }
    gsub(/[][]/, " ", opts)
    sb = ""; n = split(opts, o, /[ \t]+/)
    for (j = 1; j <= n; j++) if (tolower(o[j]) ~ /^signed-by=/) sb = substr(o[j], 11)
    comps = ""
    for (j = i + 2; j <= NF; j++) comps = comps " " $j
    add("deb", $i, $(i + 1), comps, sb)
}
END {
    flush()
    if (nkeys == 0) exit 1
    print "# deb-src for the Debian " codename " source packages lxss uses (musl), derived by"
    print "# generator/apt-deb-src.sh from the deb entries of this machine'"'"'s apt sources."
    for (k = 1; k <= nkeys; k++) {
        key = order[k]
        if (k > 1) print ""
        print "Types: deb-src"
        print "URIs: " kuris[key]
        print "Suites: " ksuites[key]
        print "Components: " kcomps[key]
        if (ksigned[key] ~ /^\n/) print "Signed-By:" ksigned[key]
        else if (ksigned[key] != "") print "Signed-By: " ksigned[key]
    }
}' $files; then
    exit 0
fi

{
    echo "apt-deb-src: no apt entry serves Debian $codename: none of${files:- (no readable source files)}"
    echo "  has Types: deb with suite $codename or $codename-updates and component main (or contrib, non-free, non-free-firmware)."
    echo "  Add the deb-src entry by hand, e.g. /etc/apt/sources.list.d/lxss-deb-src.sources with:"
    echo "    Types: deb-src"
    echo "    URIs: <the URI of your Debian mirror>"
    echo "    Suites: $codename $codename-updates"
    echo "    Components: main"
    echo "    Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
    echo "  then run apt-get update."
} >&2
exit 1
