/*
 * Host tests for lxcore/core/lx_elf.c.
 *   test_elf unit                 plan of a valid ET_EXEC / ET_DYN, exact fields
 *   test_elf corpus-write DIR     writes the malformed-ELF corpus (one file per defect)
 *   test_elf check-enoexec FILE.. every file must give -ENOEXEC
 *   test_elf check-ok FILE..      every file must plan fine (real static binaries)
 *   test_elf fuzz N SEED          N random mutations of a valid image: no crash, invariants hold
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lx_elf.h"
#include "lx_stack.h"
#include "tap.h"
#include "elf_fixture.h"

#define MAX_IMG (64 * 1024)

/* ---------------------------------------------------------------- unit */

static void unit_exec(void)
{
    static uint8_t img[FX_FILE_SIZE];
    lx_load_plan plan;
    uint32_t size = fx_build(img);
    int rc = lx_elf_plan(img, size, 0, &plan);

    TAP_EQ(rc, 0, "valid ET_EXEC plans");
    TAP_EQ(plan.type, LX_ET_EXEC, "type");
    TAP_EQ(plan.bias, 0, "no bias for ET_EXEC");
    TAP_EQ(plan.entry, FX_ENTRY, "entry");
    TAP_EQ(plan.phdr_addr, FX_TEXT_VADDR + FX_PHOFF, "phdr address from PT_PHDR");
    TAP_EQ(plan.phnum, FX_PHNUM, "phnum");
    TAP_EQ(plan.phent, 32, "phent");
    TAP_EQ(plan.nsegments, 2, "two PT_LOAD");
    TAP_EQ(plan.segments[0].page_start, 0x08048000, "text page start");
    TAP_EQ(plan.segments[0].page_end, 0x08049000, "text page end");
    TAP_EQ(plan.segments[0].prot, LX_PROT_READ | LX_PROT_EXEC, "text prot r-x");
    TAP_EQ(plan.segments[0].zero_start, 0x08048200, "text zero start (tail of page)");
    TAP_EQ(plan.segments[1].vaddr, 0x08049000, "data vaddr");
    TAP_EQ(plan.segments[1].file_offset, 0x1000, "data file offset");
    TAP_EQ(plan.segments[1].file_size, 0x100, "data filesz");
    TAP_EQ(plan.segments[1].zero_start, 0x08049100, "bss zero start");
    TAP_EQ(plan.segments[1].zero_end, 0x0804C000, "bss zero end");
    TAP_EQ(plan.segments[1].page_end, 0x0804C000, "data page end");
    TAP_EQ(plan.segments[1].prot, LX_PROT_READ | LX_PROT_WRITE, "data prot rw-");
    TAP_EQ(plan.image_start, 0x08048000, "image start");
    TAP_EQ(plan.image_end, 0x0804C000, "image end");
    TAP_EQ(plan.reserve_start, 0x08040000, "64K reservation start");
    TAP_EQ(plan.reserve_end, 0x08050000, "64K reservation end");
    TAP_EQ(plan.brk_start, 0x0804C000, "brk start");
    TAP_EQ(plan.data_size, 0x100, "data size for RLIMIT_DATA: end_data - start_data");
    TAP_EQ(plan.stack_prot, LX_PROT_READ | LX_PROT_WRITE, "PT_GNU_STACK RW: stack not exec");
    TAP_EQ(plan.nprot, 2, "two protection ranges");
    TAP_EQ(plan.prot[0].start, 0x08048000, "prot range 0 start");
    TAP_EQ(plan.prot[0].end, 0x08049000, "prot range 0 end");
    TAP_EQ(plan.prot[1].start, 0x08049000, "prot range 1 start");
    TAP_EQ(plan.prot[1].end, 0x0804C000, "prot range 1 end");
}

static void unit_variants(void)
{
    static uint8_t img[FX_FILE_SIZE];
    lx_load_plan plan;
    uint32_t size;
    int rc;

    /* no PT_GNU_STACK: executable stack (i386 default) */
    size = fx_build(img);
    fx_set_phdr(img, 3, LX_PT_NOTE, 0, 0, 0, 0, 4, 4);
    rc = lx_elf_plan(img, size, 0, &plan);
    TAP_EQ(rc, 0, "no PT_GNU_STACK plans");
    TAP_EQ(plan.stack_prot, LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC, "default stack rwx");

    /* PT_INTERP: the interpreter's path is recorded (the first one), the program planned */
    size = fx_build(img);
    fx_set_phdr(img, 3, LX_PT_INTERP, 0x180, 0x08048180, 19, 19, 4, 1);
    memcpy(img + 0x180, "/lib/ld-linux.so.2", 19);
    rc = lx_elf_plan(img, size, 0, &plan);
    TAP_EQ(rc, 0, "PT_INTERP plans");
    TAP_EQ(plan.interp_offset == 0x180 && plan.interp_size == 19, 1, "PT_INTERP: path offset and size with the NUL");
    TAP_EQ(strcmp((const char *)img + plan.interp_offset, "/lib/ld-linux.so.2"), 0, "PT_INTERP: the path");

    /* no PT_PHDR: AT_PHDR from the segment holding e_phoff */
    size = fx_build(img);
    fx_set_phdr(img, 0, LX_PT_NULL, 0, 0, 0, 0, 0, 0);
    rc = lx_elf_plan(img, size, 0, &plan);
    TAP_EQ(rc, 0, "no PT_PHDR plans");
    TAP_EQ(plan.phdr_addr, FX_TEXT_VADDR + FX_PHOFF, "phdr address from text segment");

    /* two segments sharing a page: union of protections on the shared page */
    size = fx_build(img);
    fx_set_phdr(img, 2, LX_PT_LOAD, 0x200, 0x08048200, 0x100, 0x1000, 6, 0x1000);
    rc = lx_elf_plan(img, size, 0, &plan);
    TAP_EQ(rc, 0, "segments sharing a page plan");
    TAP_EQ(plan.nprot, 2, "shared page: two ranges");
    TAP_EQ(plan.prot[0].start, 0x08048000, "shared page range start");
    TAP_EQ(plan.prot[0].end, 0x08049000, "shared page range end");
    TAP_EQ(plan.prot[0].prot, LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC, "shared page rwx");
    TAP_EQ(plan.prot[1].prot, LX_PROT_READ | LX_PROT_WRITE, "next page rw");

    /* a zero-memsz PT_LOAD is ignored, as Linux does */
    size = fx_build(img);
    fx_set_phdr(img, 3, LX_PT_LOAD, 0, 0x20000000, 0, 0, 4, 0x1000);
    rc = lx_elf_plan(img, size, 0, &plan);
    TAP_EQ(rc, 0, "zero-size PT_LOAD ignored");
    TAP_EQ(plan.nsegments, 2, "still two segments");

    /* EM_486 accepted */
    size = fx_build(img);
    fx_w16(img + 18, LX_EM_486);
    TAP_EQ(lx_elf_plan(img, size, 0, &plan), 0, "EM_486 accepted");

    /* static PIE: ET_DYN at vaddr 0, loaded at the default base */
    size = fx_build(img);
    fx_w16(img + 16, LX_ET_DYN);
    fx_w32(img + 24, 0x80);
    fx_set_phdr(img, 0, LX_PT_PHDR, FX_PHOFF, FX_PHOFF, 128, 128, 4, 4);
    fx_set_phdr(img, 1, LX_PT_LOAD, 0, 0, 0x200, 0x200, 5, 0x1000);
    fx_set_phdr(img, 2, LX_PT_LOAD, 0x1000, 0x1000, 0x100, 0x2345, 6, 0x1000);
    rc = lx_elf_plan(img, size, 0, &plan);
    TAP_EQ(rc, 0, "ET_DYN plans");
    TAP_EQ(plan.bias, LX_ELF_DEFAULT_DYN_BASE, "ET_DYN bias = default base");
    TAP_EQ(plan.entry, LX_ELF_DEFAULT_DYN_BASE + 0x80, "ET_DYN entry relocated");
    TAP_EQ(plan.phdr_addr, LX_ELF_DEFAULT_DYN_BASE + FX_PHOFF, "ET_DYN phdr relocated");
    TAP_EQ(plan.segments[1].vaddr, LX_ELF_DEFAULT_DYN_BASE + 0x1000, "ET_DYN data relocated");
    TAP_EQ(plan.brk_start, LX_ELF_DEFAULT_DYN_BASE + 0x4000, "ET_DYN brk");
    rc = lx_elf_plan(img, size, 0x10000000, &plan);
    TAP_EQ(plan.entry, 0x10000080, "ET_DYN at a chosen base");
    TAP_EQ(lx_elf_plan(img, size, 0x10000123, &plan), -LX_EINVAL, "unaligned base is EINVAL");
    TAP_EQ(lx_elf_plan(img, size, 0x7FFDE000, &plan), -LX_ENOEXEC,
           "ET_DYN base that pushes it into kernel range");

    /* plan must be rejected when NULL image */
    TAP_EQ(lx_elf_plan(NULL, 0, 0, &plan), -LX_ENOEXEC, "NULL image");
}

/* ---------------------------------------------------------------- corpus */

/* Applies defect 'idx' to a fresh valid image. Returns 0 past the last case. */
/* Gives an image built by fx_build a PT_INTERP (program header 3) naming Path */
static void fx_set_interp(uint8_t *img, const char *path)
{
    uint32_t len = (uint32_t)strlen(path) + 1;

    fx_set_phdr(img, 3, LX_PT_INTERP, 0x180, 0x08048180, len, len, 4, 1);
    memcpy(img + 0x180, path, len);
}

static int corpus_make(int idx, uint8_t *img, uint32_t *size, const char **name)
{
    uint32_t i;
    *size = fx_build(img);
#define CASE(n, nm) case n: *name = nm;
    switch (idx)
    {
        CASE(0, "empty") *size = 0; break;
        CASE(1, "truncated-header-40") *size = 40; break;
        CASE(2, "truncated-header-51") *size = 51; break;
        CASE(3, "header-only-no-phdrs") *size = 52; break;
        CASE(4, "bad-magic") img[1] = 'X'; break;
        CASE(5, "class-64") img[4] = 2; break;
        CASE(6, "class-none") img[4] = 0; break;
        CASE(7, "big-endian") img[5] = 2; break;
        CASE(8, "ident-version-0") img[6] = 0; break;
        CASE(9, "e-version-2") fx_w32(img + 20, 2); break;
        CASE(10, "machine-x86-64") fx_w16(img + 18, 62); break;
        CASE(11, "machine-arm") fx_w16(img + 18, 40); break;
        CASE(12, "machine-none") fx_w16(img + 18, 0); break;
        CASE(13, "type-rel") fx_w16(img + 16, 1); break;
        CASE(14, "type-core") fx_w16(img + 16, 4); break;
        CASE(15, "type-none") fx_w16(img + 16, 0); break;
        CASE(16, "phentsize-56") fx_w16(img + 42, 56); break;
        CASE(17, "phentsize-0") fx_w16(img + 42, 0); break;
        CASE(18, "phnum-0") fx_w16(img + 44, 0); break;
        CASE(19, "phnum-65535") fx_w16(img + 44, 0xFFFF); break;
        CASE(20, "phnum-129") fx_w16(img + 44, 129); break;
        CASE(21, "phoff-beyond-file") fx_w32(img + 28, 0x2000); break;
        CASE(22, "phoff-table-crosses-eof") fx_w32(img + 28, FX_FILE_SIZE - 64); break;
        CASE(23, "phoff-wraps") fx_w32(img + 28, 0xFFFFFFF0u); break;
        CASE(24, "phoff-unaligned") fx_w32(img + 28, 54); break;
        CASE(25, "phoff-zero") fx_w32(img + 28, 0); break;
        CASE(26, "overlapping-segments")
            fx_set_phdr(img, 2, 1, 0x100, 0x08048100, 0x100, 0x200, 6, 0x1000);
            break;
        CASE(27, "same-vaddr-segments") fx_set_phdr(img, 2, 1, 0x1000, 0x08048000, 0x100, 0x100, 6, 0x1000); break;
        CASE(28, "bss-runs-into-next-segment") fx_set_phdr(img, 1, 1, 0, 0x08048000, 0x200, 0x1001, 5, 0x1000); break;
        CASE(29, "kernel-range-vaddr") fx_set_phdr(img, 2, 1, 0x1000, 0x80001000u, 0x100, 0x100, 6, 0x1000); break;
        CASE(30, "segment-reaches-kuser-shared-data") fx_set_phdr(img, 2, 1, 0x1000, 0x7FFDF000u, 0x100, 0x1001, 6, 0x1000); break;
        CASE(31, "segment-at-kuser-shared-data") fx_set_phdr(img, 2, 1, 0x1000, 0x7FFE0000u, 0x100, 0x100, 6, 0x1000); break;
        CASE(32, "vaddr-memsz-wraps") fx_set_phdr(img, 2, 1, 0x1000, 0xFFFFF000u, 0x100, 0x2000, 6, 0x1000); break;
        CASE(33, "memsz-huge") fx_set_phdr(img, 2, 1, 0x1000, 0x08049000, 0x100, 0x7FFFFFFFu, 6, 0x1000); break;
        CASE(34, "memsz-0xffffffff") fx_set_phdr(img, 2, 1, 0x1000, 0x08049000, 0x100, 0xFFFFFFFFu, 6, 0x1000); break;
        CASE(35, "filesz-greater-than-memsz") fx_set_phdr(img, 2, 1, 0x1000, 0x08049000, 0x100, 0x80, 6, 0x1000); break;
        CASE(36, "segment-data-beyond-eof") fx_set_phdr(img, 2, 1, 0x1000, 0x08049000, 0x200, 0x2345, 6, 0x1000); break;
        CASE(37, "segment-offset-wraps") fx_set_phdr(img, 2, 1, 0xFFFFF000u, 0x08049000, 0x2000, 0x2345, 6, 0x1000); break;
        CASE(38, "filesz-huge") fx_set_phdr(img, 2, 1, 0x1000, 0x08049000, 0x7FFFFFFFu, 0x7FFFFFFFu, 6, 0x1000); break;
        CASE(39, "pt-interp-no-nul")
            fx_set_phdr(img, 3, 3, 0x100, 0x08048100, 0x10, 0x10, 4, 1);
            memset(img + 0x100, 'A', 0x10);
            break;
        CASE(40, "pt-interp-too-short")
            fx_set_phdr(img, 0, 3, 0x100, 0x08048100, 1, 1, 4, 1); break;
        CASE(41, "no-pt-load")
            for (i = 0; i < FX_PHNUM; i++) fx_set_phdr(img, i, 4, 0, 0, 0, 0, 4, 4);
            break;
        CASE(42, "only-zero-size-pt-load")
            fx_set_phdr(img, 1, 1, 0, 0x08048000, 0, 0, 5, 0x1000);
            fx_set_phdr(img, 2, 1, 0x1000, 0x08049000, 0, 0, 6, 0x1000);
            break;
        CASE(43, "align-not-power-of-two") fx_set_phdr(img, 2, 1, 0x1000, 0x08049000, 0x100, 0x2345, 6, 0x3000); break;
        CASE(44, "vaddr-offset-incongruent") fx_set_phdr(img, 2, 1, 0x1000, 0x08049010, 0x100, 0x2345, 6, 0x1000); break;
        CASE(45, "vaddr-below-64k") fx_set_phdr(img, 1, 1, 0, 0x1000, 0x200, 0x200, 5, 0x1000); fx_w32(img + 24, 0x1080); break;
        CASE(46, "vaddr-zero") fx_set_phdr(img, 1, 1, 0, 0, 0x200, 0x200, 5, 0x1000); fx_w32(img + 24, 0x80); break;
        CASE(47, "entry-outside-segments") fx_w32(img + 24, 0x09000000); break;
        CASE(48, "entry-zero") fx_w32(img + 24, 0); break;
        CASE(49, "span-over-1gib") fx_set_phdr(img, 2, 1, 0x1000, 0x50001000u, 0x100, 0x100, 6, 0x1000); break;
        CASE(50, "seventeen-pt-load")
            fx_w16(img + 44, 17);
            for (i = 0; i < 17; i++)
                fx_set_phdr(img, i, 1, 0, 0x08048000 + i * 0x1000, 0x10, 0x10, 5, 0x1000);
            /* the table now covers 0x34..0x254 of the "text": still inside the file */
            break;
        CASE(51, "pt-tls-filesz-greater-than-memsz") fx_set_phdr(img, 3, 7, 0x1000, 0x08049000, 0x20, 0x10, 4, 4); break;
        CASE(52, "pt-tls-beyond-eof") fx_set_phdr(img, 3, 7, 0x1000, 0x08049000, 0x1000, 0x1000, 4, 4); break;
        CASE(53, "truncated-in-segment-data") *size = 0x1050; break;
        CASE(54, "truncated-in-phdr-table") *size = FX_PHOFF + 3 * 32 + 5; break;
        CASE(55, "phnum-128-file-too-short") fx_w16(img + 44, 128); *size = FX_PHOFF + 32 * 100; break;
        CASE(56, "segment-ends-at-4gib") fx_set_phdr(img, 2, 1, 0x1000, 0xFFFFF000u, 0x100, 0x1000, 6, 0x1000); break;
        CASE(57, "ident-elfclass-invalid-3") img[4] = 3; break;
        CASE(58, "ascii-script") memcpy(img, "#!/bin/sh\necho hi\n", 18); break;
        CASE(59, "pe-image") img[0] = 'M'; img[1] = 'Z'; break;
        /* A valid program whose interpreter is wrong: the name says the errno exec gives
         * (".eN": -N), since the program itself plans fine (tests/lxcore: check-ok) */
        CASE(60, "interp-missing.e2") fx_set_interp(img, "/lib/ld-missing.so.1"); break;
        CASE(61, "interp-relative-missing.e2") fx_set_interp(img, "ld-missing.so.1"); break;
        CASE(62, "interp-not-elf.e80") fx_set_interp(img, "/lxss-plan.txt"); break;
        CASE(63, "interp-a-directory.e13") fx_set_interp(img, "/elf"); break;
        CASE(64, "interp-longer-than-path-max")
            /* 4097 bytes with the NUL, after the fixture's data: Linux refuses more than
             * PATH_MAX before it looks at the name (ENOEXEC) */
            memset(img + FX_FILE_SIZE, 'a', 4096);
            img[FX_FILE_SIZE] = '/';
            img[FX_FILE_SIZE + 4096] = 0;
            fx_set_phdr(img, 3, LX_PT_INTERP, FX_FILE_SIZE, 0, 4097, 4097, 4, 1);
            *size = FX_FILE_SIZE + 4097;
            break;
        CASE(65, "interp-name-too-long.e36")
            /* a 300-byte component: the open of the interpreter says ENAMETOOLONG */
            memset(img + 0x180, 'a', 0x140);
            memcpy(img + 0x180, "/lib/", 5);
            img[0x180 + 305] = 0;
            fx_set_phdr(img, 3, LX_PT_INTERP, 0x180, 0x08048180, 306, 306, 4, 1);
            break;
        default:
            return 0;
    }
#undef CASE
    return 1;
}

static int corpus_write(const char *dir)
{
    static uint8_t img[MAX_IMG];
    char path[4096];
    const char *name;
    uint32_t size;
    int idx, n = 0;

    for (idx = 0; corpus_make(idx, img, &size, &name); idx++)
    {
        FILE *f;
        snprintf(path, sizeof(path), "%s/%02d-%s.elf", dir, idx, name);
        f = fopen(path, "wb");
        if (!f || fwrite(img, 1, size, f) != size)
        {
            perror(path);
            return 2;
        }
        fclose(f);
        n++;
    }
    printf("# wrote %d files\n", n);
    return 0;
}

static uint8_t *read_file(const char *path, uint32_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long len;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    /* exact-size allocation so ASan catches any read past the end of the file */
    buf = malloc(len ? (size_t)len : 1);
    if (len && fread(buf, 1, (size_t)len, f) != (size_t)len)
    {
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *size = (uint32_t)len;
    return buf;
}

static int check_files(int argc, char **argv, int want_ok)
{
    int i;
    for (i = 0; i < argc; i++)
    {
        lx_load_plan plan;
        uint32_t size = 0;
        uint8_t *buf = read_file(argv[i], &size);
        int rc;
        const char *base = strrchr(argv[i], '/');

        base = base ? base + 1 : argv[i];
        if (!buf)
        {
            tap_ok(0, "%s # cannot read", base);
            continue;
        }
        rc = lx_elf_plan(buf, size, 0, &plan);
        if (want_ok)
        {
            tap_ok(rc == 0 && plan.nsegments > 0 && plan.phdr_addr != 0,
                   "%s plans (rc %d, %u segments, entry 0x%x, phdr 0x%x, type %u)", base, rc,
                   plan.nsegments, plan.entry, plan.phdr_addr, plan.type);
        }
        else
        {
            tap_ok(rc == -LX_ENOEXEC, "%s gives -ENOEXEC (got %d)", base, rc);
        }
        free(buf);
    }
    return tap_done();
}

/* ---------------------------------------------------------------- fuzz */

static uint32_t rng_state;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static const uint32_t interesting[] = {
    0, 1, 2, 3, 4, 6, 7, 0x1f, 0x20, 0x34, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000, 0x1001,
    0xffff, 0x10000, 0x7ffe0000u, 0x7ffdffffu, 0x7fffffffu, 0x80000000u, 0xfffff000u,
    0xfffffffeu, 0xffffffffu, 0x08048000u, 0x6474e551u, 0x6474e550u
};

static int plan_invariants(const lx_load_plan *p, uint32_t size)
{
    uint32_t i, j;
    if (p->nsegments == 0 || p->nsegments > LX_ELF_MAX_LOADS)
        return 0;
    for (i = 0; i < p->nsegments; i++)
    {
        const lx_load_segment *s = &p->segments[i];
        if (s->vaddr < LX_USER_MIN_ADDRESS || s->page_end > LX_USER_LIMIT)
            return 0;
        if (s->page_start > s->vaddr || (uint64_t)s->vaddr + s->mem_size > s->page_end)
            return 0;
        if (s->file_size > s->mem_size || (uint64_t)s->file_offset + s->file_size > size)
            return 0;
        if (s->zero_start != s->vaddr + s->file_size || s->zero_end != s->page_end)
            return 0;
        for (j = i + 1; j < p->nsegments; j++)
        {
            const lx_load_segment *t = &p->segments[j];
            if (s->vaddr < t->vaddr + t->mem_size && t->vaddr < s->vaddr + s->mem_size)
                return 0;
        }
        if (s->page_start < p->image_start || s->page_end > p->image_end)
            return 0;
    }
    if (p->reserve_start > p->image_start || p->reserve_end < p->image_end ||
        p->reserve_end > LX_USER_LIMIT || (p->reserve_start & 0xFFFF) != 0)
        return 0;
    if (p->image_end - p->image_start > LX_ELF_MAX_IMAGE_SPAN + LX_PAGE_SIZE)
        return 0;
    for (i = 0; i < p->nprot; i++)
        if (p->prot[i].start >= p->prot[i].end || p->prot[i].start < p->image_start ||
            p->prot[i].end > p->image_end || (i && p->prot[i].start < p->prot[i - 1].end))
            return 0;
    return 1;
}

static int fuzz(unsigned long iterations, uint32_t seed)
{
    static uint8_t base[FX_FILE_SIZE];
    unsigned long it, accepted = 0, rejected = 0, bad = 0;
    uint32_t base_size = fx_build(base);

    rng_state = seed ? seed : 0x12345678u;
    for (it = 0; it < iterations; it++)
    {
        uint32_t size = base_size, n, k;
        uint8_t *img;
        lx_load_plan plan;
        int rc;

        img = malloc(FX_FILE_SIZE);
        memcpy(img, base, FX_FILE_SIZE);
        n = 1 + rnd() % 6;
        for (k = 0; k < n; k++)
        {
            switch (rnd() % 6)
            {
                case 0: /* flip a byte in the headers */
                    img[rnd() % (FX_PHOFF + 32 * FX_PHNUM)] ^= (uint8_t)(1u << (rnd() % 8));
                    break;
                case 1: /* random byte anywhere */
                    img[rnd() % FX_FILE_SIZE] = (uint8_t)rnd();
                    break;
                case 2: /* interesting 32-bit value into a phdr field */
                    fx_w32(fx_phdr(img, rnd() % FX_PHNUM) + 4 * (rnd() % 8),
                           interesting[rnd() % (sizeof(interesting) / sizeof(interesting[0]))]);
                    break;
                case 3: /* interesting value into an ehdr field */
                    fx_w32(img + 16 + 4 * (rnd() % 9),
                           interesting[rnd() % (sizeof(interesting) / sizeof(interesting[0]))]);
                    break;
                case 4: /* truncate */
                    size = rnd() % (size + 1);
                    break;
                default: /* small delta to a phdr field */
                {
                    uint8_t *f = fx_phdr(img, rnd() % FX_PHNUM) + 4 * (rnd() % 8);
                    fx_w32(f, fx_r32(f) + (rnd() % 0x2001) - 0x1000);
                    break;
                }
            }
        }
        /* hand the planner exactly 'size' bytes so ASan catches over-reads */
        {
            uint8_t *exact = malloc(size ? size : 1);
            memcpy(exact, img, size);
            rc = lx_elf_plan(exact, size, (rnd() & 1) ? 0 : (rnd() & 0x7FFFF000u), &plan);
            if (rc == 0)
            {
                accepted++;
                if (!plan_invariants(&plan, size))
                {
                    bad++;
                    if (bad < 5)
                        printf("# invariant broken at iteration %lu\n", it);
                }
                else
                {
                    /* the stack builder must cope with whatever the plan says */
                    static uint8_t stack[8192];
                    static const uint8_t rnd16[16];
                    const char *argv[] = { "/bin/x", "a" };
                    lx_stack_params sp;
                    lx_stack_result sr;
                    memset(&sp, 0, sizeof(sp));
                    sp.argc = 2; sp.argv = argv; sp.random16 = rnd16;
                    sp.phdr_addr = plan.phdr_addr; sp.phent = plan.phent; sp.phnum = plan.phnum;
                    sp.entry = plan.entry;
                    if (plan.phdr_addr == 0)
                    {
                        sp.phdr_copy = exact + plan.phdr_offset;
                    }
                    rc = lx_stack_build(&sp, stack, sizeof(stack), 0x7FFE0000u - 0x10000u, &sr);
                    if (rc != 0 && rc != -LX_E2BIG)
                        bad++;
                }
            }
            else if (rc == -LX_ENOEXEC || rc == -LX_EINVAL)
            {
                rejected++;
            }
            else
            {
                bad++;
            }
            free(exact);
        }
        free(img);
    }
    tap_ok(bad == 0, "fuzz: %lu iterations, %lu accepted, %lu rejected, %lu invariant failures",
           iterations, accepted, rejected, bad);
    tap_ok(accepted > 0 && rejected > 0, "fuzz reached both outcomes");
    return tap_done();
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "unit") == 0)
    {
        unit_exec();
        unit_variants();
        return tap_done();
    }
    if (argc == 3 && strcmp(argv[1], "corpus-write") == 0)
        return corpus_write(argv[2]);
    if (argc >= 2 && strcmp(argv[1], "check-enoexec") == 0)
        return check_files(argc - 2, argv + 2, 0);
    if (argc >= 2 && strcmp(argv[1], "check-ok") == 0)
        return check_files(argc - 2, argv + 2, 1);
    if (argc == 4 && strcmp(argv[1], "fuzz") == 0)
        return fuzz(strtoul(argv[2], NULL, 0), (uint32_t)strtoul(argv[3], NULL, 0));
    fprintf(stderr, "usage: test_elf unit | corpus-write DIR | check-enoexec FILE... | "
                    "check-ok FILE... | fuzz N SEED\n");
    return 2;
}
