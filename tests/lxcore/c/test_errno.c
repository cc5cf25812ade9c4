/* lxcore/core/lx_errno.c: prints "N NAME" for every errno value 0..200 that has a name, for
 * core.test.ts to compare with lx_errno.h's definitions. */
#include <stdio.h>

#include "lx_errno.h"

int main(void)
{
    for (int e = 0; e <= 200; e++)
    {
        const char *name = lx_errno_name(e);
        if (name != NULL)
            printf("%d %s\n", e, name);
    }
    return 0;
}
