/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     "#!" scripts as Linux's binfmt_script (fs/binfmt_script.c) reads them
 */

#include "lx_script.h"

static int lx_spacetab(char c)
{
    return c == ' ' || c == '\t';
}

/* a word ends at a space, a tab or a NUL */
static int lx_terminator(char c)
{
    return lx_spacetab(c) || c == '\0';
}

static size_t lx_skip_spacetab(const char *s, size_t from, size_t end)
{
    while (from < end && lx_spacetab(s[from]))
        from++;
    return from;
}

static size_t lx_find_terminator(const char *s, size_t from, size_t end)
{
    while (from < end && !lx_terminator(s[from]))
        from++;
    return from;
}

int lx_script_parse(const char head[LX_SCRIPT_HEAD], size_t *interp, size_t *interp_len,
                    size_t *arg, size_t *arg_len)
{
    size_t end, name, sep;

    *interp = *interp_len = *arg = *arg_len = 0;
    if (head[0] != '#' || head[1] != '!')
        return -LX_ENOEXEC;
    for (end = 0; end < LX_SCRIPT_HEAD && head[end] != '\n'; end++)
        ;
    if (end == LX_SCRIPT_HEAD)
    {
        /* no newline: the line is the first 255 bytes, and the name must end in them */
        end = LX_SCRIPT_HEAD - 1;
        name = lx_skip_spacetab(head, 2, end);
        if (name == end || lx_find_terminator(head, name, end) == end)
            return -LX_ENOEXEC;
    }
    while (end > 2 && lx_spacetab(head[end - 1]))
        end--;
    name = lx_skip_spacetab(head, 2, end);
    if (name == end)
        return -LX_ENOEXEC;
    sep = lx_find_terminator(head, name, end);
    *interp = name;
    *interp_len = sep - name;
    if (sep < end && head[sep] != '\0')
    {
        size_t a = lx_skip_spacetab(head, sep, end), stop = a;

        while (stop < end && head[stop] != '\0')
            stop++;
        if (stop > a)
        {
            *arg = a;
            *arg_len = stop - a;
        }
    }
    return 0;
}
