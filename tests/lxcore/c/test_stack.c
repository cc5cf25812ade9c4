/* Host tests for lxcore/core/lx_stack.c: the initial stack, checked word by word. */
#include <stdint.h>
#include <string.h>

#include "lx_stack.h"
#include "tap.h"

#define TOP 0x7FFD0000u
static uint8_t stack[4096];

static uint32_t word_at(uint32_t addr)
{
    const uint8_t *p = stack + (addr - (TOP - sizeof(stack)));
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static const char *str_at(uint32_t addr)
{
    return (const char *)stack + (addr - (TOP - sizeof(stack)));
}

static void test_layout(void)
{
    static const char *argv[] = { "prog", "arg1" };
    static const char *envp[] = { "A=1" };
    uint8_t rnd[16];
    lx_stack_params p;
    lx_stack_result r;
    int rc, i;
    /* Expected layout (derived by hand from the i386 Linux layout, see lx_stack.h):
     * TOP-4 end marker; "/bin/prog" at TOP-14; "A=1" at TOP-18; "arg1" at TOP-23;
     * "prog" at TOP-28; "i686" at TOP-33; random (16-aligned) at TOP-64;
     * 44 words (argc, 2 argv + NULL, 1 envp + NULL, 19 auxv pairs) 16-aligned at TOP-240. */
    const uint32_t want[] = {
        2, TOP - 28, TOP - 23, 0, TOP - 18, 0,
        LX_AT_HWCAP, 0x178bfbff, LX_AT_PAGESZ, 4096, LX_AT_CLKTCK, 100,
        LX_AT_PHDR, 0x08048034, LX_AT_PHENT, 32, LX_AT_PHNUM, 4, LX_AT_BASE, 0,
        LX_AT_FLAGS, 0, LX_AT_ENTRY, 0x08048080, LX_AT_UID, 1000, LX_AT_EUID, 1001,
        LX_AT_GID, 1002, LX_AT_EGID, 1003, LX_AT_SECURE, 0, LX_AT_RANDOM, TOP - 64,
        LX_AT_HWCAP2, 0, LX_AT_EXECFN, TOP - 14, LX_AT_PLATFORM, TOP - 33, LX_AT_NULL, 0,
    };

    for (i = 0; i < 16; i++)
        rnd[i] = (uint8_t)(0xA0 + i);
    memset(&p, 0, sizeof(p));
    memset(stack, 0xCC, sizeof(stack));
    p.argc = 2; p.argv = argv; p.envc = 1; p.envp = envp;
    p.execfn = "/bin/prog"; p.random16 = rnd;
    p.phdr_addr = 0x08048034; p.phent = 32; p.phnum = 4; p.entry = 0x08048080;
    p.uid = 1000; p.euid = 1001; p.gid = 1002; p.egid = 1003; p.hwcap = 0x178bfbff;

    rc = lx_stack_build(&p, stack, sizeof(stack), TOP, &r);
    TAP_EQ(rc, 0, "stack builds");
    TAP_EQ(r.esp, TOP - 240, "esp");
    TAP_EQ(r.esp & 15, 0, "esp is 16-byte aligned");
    TAP_EQ(r.used, 240, "bytes used");
    TAP_EQ(sizeof(want) / 4, 44, "expected word count (sanity)");
    for (i = 0; i < (int)(sizeof(want) / 4); i++)
    {
        char name[64];
        snprintf(name, sizeof(name), "word %d at esp+%d", i, 4 * i);
        TAP_EQ(word_at(r.esp + 4 * i), want[i], name);
    }
    TAP_EQ(r.argv_addr, TOP - 236, "argv address");
    TAP_EQ(r.envp_addr, TOP - 224, "envp address");
    TAP_EQ(r.auxv_addr, TOP - 216, "auxv address");
    tap_ok(strcmp(str_at(TOP - 28), "prog") == 0, "argv[0] string");
    tap_ok(strcmp(str_at(TOP - 23), "arg1") == 0, "argv[1] string");
    tap_ok(strcmp(str_at(TOP - 18), "A=1") == 0, "envp[0] string");
    tap_ok(strcmp(str_at(TOP - 14), "/bin/prog") == 0, "execfn string");
    tap_ok(strcmp(str_at(TOP - 33), "i686") == 0, "platform string");
    tap_ok(memcmp(str_at(TOP - 64), rnd, 16) == 0, "AT_RANDOM bytes");
    TAP_EQ(word_at(TOP - 4), 0, "end marker");
    /* "prog\0arg1\0" then "A=1\0": what /proc/self/cmdline and environ read */
    TAP_EQ(r.arg_start, TOP - 28, "arg_start: argv[0]'s string");
    TAP_EQ(r.arg_end, TOP - 18, "arg_end: past argv[1]'s NUL");
    TAP_EQ(r.env_start, TOP - 18, "env_start");
    TAP_EQ(r.env_end, TOP - 14, "env_end");
}

static void test_edges(void)
{
    static const char *argv[] = { "x" };
    static const uint8_t rnd[16];
    static const uint8_t phdrs[64] = { 1, 2, 3 };
    lx_stack_params p;
    lx_stack_result r;
    char big[600];

    memset(&p, 0, sizeof(p));
    p.random16 = rnd;
    TAP_EQ(lx_stack_build(&p, stack, sizeof(stack), TOP, &r), 0, "argc 0 builds");
    TAP_EQ(word_at(r.esp), 0, "argc 0");
    TAP_EQ(word_at(r.esp + 4), 0, "argv NULL right away");
    TAP_EQ(word_at(r.esp + 8), 0, "envp NULL right away");
    tap_ok(str_at(r.execfn_addr)[0] == '\0', "execfn empty without argv");

    TAP_EQ(lx_stack_build(&p, stack, sizeof(stack), TOP + 4, &r), -LX_EINVAL, "unaligned top");
    p.random16 = NULL;
    TAP_EQ(lx_stack_build(&p, stack, sizeof(stack), TOP, &r), -LX_EINVAL, "no random bytes");
    p.random16 = rnd;

    p.argc = 1; p.argv = argv;
    TAP_EQ(lx_stack_build(&p, stack, 64, TOP, &r), -LX_E2BIG, "too small buffer: E2BIG");
    memset(big, 'b', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    {
        const char *many[8] = { big, big, big, big, big, big, big, big };
        p.argc = 8; p.argv = many;
        TAP_EQ(lx_stack_build(&p, stack, sizeof(stack), TOP, &r), -LX_E2BIG, "arguments overflow");
        TAP_EQ(lx_stack_build(&p, stack, 0, TOP, &r), -LX_E2BIG, "zero-size buffer");
    }

    p.argc = 1; p.argv = argv;
    p.phdr_copy = phdrs; p.phent = 32; p.phnum = 2; p.phdr_addr = 0;
    TAP_EQ(lx_stack_build(&p, stack, sizeof(stack), TOP, &r), 0, "phdr copy builds");
    tap_ok(r.phdr_addr != 0 && (r.phdr_addr & 15) == 0 &&
           memcmp(str_at(r.phdr_addr), phdrs, 64) == 0, "phdrs copied onto the stack");
    TAP_EQ(word_at(r.auxv_addr + 3 * 8 + 4), r.phdr_addr, "AT_PHDR points at the copy");
    TAP_EQ(r.esp & 15, 0, "esp aligned with phdr copy");
}

int main(void)
{
    test_layout();
    test_edges();
    return tap_done();
}
