/* lxcore/core/lx_script.c: "#!" lines as Linux's binfmt_script reads them: interpreter and
 * one optional argument (inner spaces kept, outer ones trimmed), CRLF, tabs, no newline in a
 * short file (zero padding ends the name) or in a full head (a name running to its end is
 * truncated: ENOEXEC), not a script, an empty interpreter. */
#include <string.h>

#include "lx_script.h"
#include "tap.h"

static void check(const char *name, const char *text, size_t text_len, int want_rc, const char *want_interp,
                  const char *want_arg)
{
    char head[LX_SCRIPT_HEAD];
    size_t i, il, a, al;
    char got_interp[LX_SCRIPT_HEAD + 1] = "", got_arg[LX_SCRIPT_HEAD + 1] = "";
    int rc;

    memset(head, 0, sizeof head);
    memcpy(head, text, text_len < sizeof head ? text_len : sizeof head);
    rc = lx_script_parse(head, &i, &il, &a, &al);
    if (rc == 0)
    {
        memcpy(got_interp, head + i, il);
        got_interp[il] = '\0';
        memcpy(got_arg, head + a, al);
        got_arg[al] = '\0';
    }
    tap_ok(rc == want_rc && (rc != 0 || (strcmp(got_interp, want_interp) == 0 && strcmp(got_arg, want_arg) == 0)),
           "%s", name);
    if (rc != want_rc || (rc == 0 && (strcmp(got_interp, want_interp) || strcmp(got_arg, want_arg))))
        printf("#   rc %d interp \"%s\" arg \"%s\"\n", rc, got_interp, got_arg);
}

#define CHECK(name, text, rc, interp, arg) check(name, text, sizeof(text) - 1, rc, interp, arg)

int main(void)
{
    char big[LX_SCRIPT_HEAD + 10];

    CHECK("plain", "#!/bin/sh\necho hi\n", 0, "/bin/sh", "");
    CHECK("one argument", "#!/bin/sh -e\n", 0, "/bin/sh", "-e");
    CHECK("the rest of the line is one argument", "#!/usr/bin/env python3 -u -O  \n", 0, "/usr/bin/env",
          "python3 -u -O");
    CHECK("spaces and tabs around", "#! \t/bin/sh \t -x\t \n", 0, "/bin/sh", "-x");
    CHECK("CR stays part of the argument (as on Linux)", "#!/bin/sh -e\r\n", 0, "/bin/sh", "-e\r");
    CHECK("CR ends up in the name without an argument", "#!/bin/sh\r\n", 0, "/bin/sh\r", "");
    CHECK("no newline, short file", "#!/bin/sh", 0, "/bin/sh", "");
    CHECK("no newline, with an argument", "#!/bin/awk -f", 0, "/bin/awk", "-f");
    CHECK("a NUL ends the argument", "#!/bin/sh -a\0b\n", 0, "/bin/sh", "-a");
    CHECK("a NUL right after the name: no argument", "#!/bin/sh\0 -x\n", 0, "/bin/sh", "");
    CHECK("not a script: ELF", "\x7f" "ELF\1\1\1", -LX_ENOEXEC, "", "");
    CHECK("not a script: one #", "# comment\n", -LX_ENOEXEC, "", "");
    CHECK("not a script: empty file", "", -LX_ENOEXEC, "", "");
    CHECK("no interpreter", "#!\n", -LX_ENOEXEC, "", "");
    CHECK("only blanks", "#!   \t \n", -LX_ENOEXEC, "", "");

    /* a full head without a newline */
    memset(big, 'a', sizeof big);
    memcpy(big, "#!/", 3);
    check("a name filling the head: truncated, ENOEXEC", big, sizeof big, -LX_ENOEXEC, "", "");
    memcpy(big, "#!/bin/sh ", 10);
    {
        char want[LX_SCRIPT_HEAD];
        memset(want, 'a', LX_SCRIPT_HEAD - 1 - 10);
        want[LX_SCRIPT_HEAD - 1 - 10] = '\0';
        check("a long argument is cut at 255 bytes", big, sizeof big, 0, "/bin/sh", want);
    }
    memset(big, ' ', sizeof big);
    memcpy(big, "#!", 2);
    check("a head of blanks: ENOEXEC", big, sizeof big, -LX_ENOEXEC, "", "");
    return tap_done();
}
