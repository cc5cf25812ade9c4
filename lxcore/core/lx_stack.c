/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Initial Linux i386 process stack builder (see lx_stack.h for the layout)
 */

#include "lx_stack.h"

typedef struct lx_stack_cursor
{
    uint8_t *buf;
    uint32_t size;
    uint32_t top;
    uint32_t sp;        /* current user address, moves down */
    int failed;
} lx_stack_cursor;

/* Reserves n bytes below sp (aligned down to 'align'), returns their user address. */
static uint32_t lx_stack_take(lx_stack_cursor *c, uint32_t n, uint32_t align)
{
    uint32_t bottom = c->top - c->size;
    uint32_t sp;

    if (c->failed || n > c->sp - bottom)
    {
        c->failed = 1;
        return 0;
    }
    sp = (c->sp - n) & ~(align - 1);
    if (sp < bottom)
    {
        c->failed = 1;
        return 0;
    }
    c->sp = sp;
    return sp;
}

static uint8_t *lx_stack_ptr(lx_stack_cursor *c, uint32_t addr)
{
    return c->buf + (addr - (c->top - c->size));
}

static uint32_t lx_stack_push_bytes(lx_stack_cursor *c, const void *data, uint32_t n,
                                    uint32_t align)
{
    uint32_t addr = lx_stack_take(c, n, align);
    if (c->failed)
        return 0;
    lx_copy(lx_stack_ptr(c, addr), data, n);
    return addr;
}

static void lx_stack_put32(lx_stack_cursor *c, uint32_t addr, uint32_t value)
{
    uint8_t *p = lx_stack_ptr(c, addr);
    p[0] = (uint8_t)value;
    p[1] = (uint8_t)(value >> 8);
    p[2] = (uint8_t)(value >> 16);
    p[3] = (uint8_t)(value >> 24);
}

static uint32_t lx_stack_push_string(lx_stack_cursor *c, const char *s)
{
    size_t len = lx_strlen(s) + 1;
    if (len > LX_MAX_ARG_STRLEN)
    {
        c->failed = 1;
        return 0;
    }
    return lx_stack_push_bytes(c, s, (uint32_t)len, 1);
}

int lx_stack_build(const lx_stack_params *params, uint8_t *buf, uint32_t buf_size,
                   uint32_t top, lx_stack_result *result)
{
    lx_stack_cursor c;
    uint32_t i, items, addr, w;
    uint32_t execfn, platform, random, phdr;
    uint32_t first_arg = 0, first_env = 0;
    const char *execfn_str;
    static const char platform_str[] = "i686";

    if (params == NULL || buf == NULL || result == NULL || params->random16 == NULL ||
        (top & 15) != 0 || buf_size > top || (params->argc && params->argv == NULL) ||
        (params->envc && params->envp == NULL) || params->argc > 0x00FFFFFFu ||
        params->envc > 0x00FFFFFFu)
        return -LX_EINVAL;

    lx_zero(result, sizeof(*result));
    c.buf = buf;
    c.size = buf_size;
    c.top = top;
    c.sp = top;
    c.failed = 0;

    /* end marker */
    addr = lx_stack_take(&c, 4, 4);
    if (c.failed)
        return -LX_E2BIG;
    lx_stack_put32(&c, addr, 0);

    execfn_str = params->execfn ? params->execfn :
                 (params->argc ? params->argv[0] : "");
    execfn = lx_stack_push_string(&c, execfn_str);

    /* Strings are pushed last-first so that they read in order in memory. */
    for (i = params->envc; i-- > 0;)
        first_env = lx_stack_push_string(&c, params->envp[i]);
    for (i = params->argc; i-- > 0;)
        first_arg = lx_stack_push_string(&c, params->argv[i]);
    platform = lx_stack_push_bytes(&c, platform_str, sizeof(platform_str), 1);
    random = lx_stack_push_bytes(&c, params->random16, 16, 16);
    phdr = params->phdr_addr;
    if (params->phdr_copy != NULL && params->phnum != 0)
    {
        if (params->phent == 0 || params->phnum > 0xFFFF || params->phent > 0xFFFF)
            return -LX_EINVAL;
        phdr = lx_stack_push_bytes(&c, params->phdr_copy, params->phent * params->phnum, 16);
    }
    if (c.failed)
        return -LX_E2BIG;

    /* argc + argv + NULL + envp + NULL + auxv */
    items = 1 + (params->argc + 1) + (params->envc + 1) + 2 * LX_STACK_AUXV_PAIRS;
    addr = lx_stack_take(&c, items * 4, 16);
    if (c.failed)
        return -LX_E2BIG;

    w = addr;
    lx_stack_put32(&c, w, params->argc);
    w += 4;
    result->argv_addr = w;
    {
        /* The argument strings sit contiguously from first_arg, each NUL-terminated. */
        uint32_t s = first_arg;
        for (i = 0; i < params->argc; i++)
        {
            lx_stack_put32(&c, w, s);
            w += 4;
            s += (uint32_t)lx_strlen(params->argv[i]) + 1;
        }
        result->arg_start = params->argc ? first_arg : 0;
        result->arg_end = params->argc ? s : 0;
    }
    lx_stack_put32(&c, w, 0);
    w += 4;
    result->envp_addr = w;
    {
        uint32_t s = first_env;
        for (i = 0; i < params->envc; i++)
        {
            lx_stack_put32(&c, w, s);
            w += 4;
            s += (uint32_t)lx_strlen(params->envp[i]) + 1;
        }
        result->env_start = params->envc ? first_env : 0;
        result->env_end = params->envc ? s : 0;
    }
    lx_stack_put32(&c, w, 0);
    w += 4;
    result->auxv_addr = w;

#define LX_AUX(type, value) \
    do { lx_stack_put32(&c, w, (type)); lx_stack_put32(&c, w + 4, (value)); w += 8; } while (0)
    LX_AUX(LX_AT_HWCAP, params->hwcap);
    LX_AUX(LX_AT_PAGESZ, 4096);
    LX_AUX(LX_AT_CLKTCK, params->clktck ? params->clktck : 100);
    LX_AUX(LX_AT_PHDR, phdr);
    LX_AUX(LX_AT_PHENT, params->phent);
    LX_AUX(LX_AT_PHNUM, params->phnum);
    LX_AUX(LX_AT_BASE, params->base);
    LX_AUX(LX_AT_FLAGS, 0);
    LX_AUX(LX_AT_ENTRY, params->entry);
    LX_AUX(LX_AT_UID, params->uid);
    LX_AUX(LX_AT_EUID, params->euid);
    LX_AUX(LX_AT_GID, params->gid);
    LX_AUX(LX_AT_EGID, params->egid);
    LX_AUX(LX_AT_SECURE, params->secure);
    LX_AUX(LX_AT_RANDOM, random);
    LX_AUX(LX_AT_HWCAP2, 0);
    LX_AUX(LX_AT_EXECFN, execfn);
    LX_AUX(LX_AT_PLATFORM, platform);
    LX_AUX(LX_AT_NULL, 0);
#undef LX_AUX

    result->esp = addr;
    result->used = top - addr;
    result->random_addr = random;
    result->execfn_addr = execfn;
    result->platform_addr = platform;
    result->phdr_addr = phdr;
    return 0;
}
