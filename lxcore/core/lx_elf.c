/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     ELF32 i386 validation and load planning
 *
 * Rules (each violation is -ENOEXEC):
 *  - header: at least 52 bytes, \x7fELF, ELFCLASS32, ELFDATA2LSB, EI_VERSION and e_version 1,
 *    e_machine EM_386 (or EM_486, as Linux accepts), e_type ET_EXEC or ET_DYN,
 *    e_phentsize 32, 1 <= e_phnum <= 128, the program header table inside the file and
 *    4-byte aligned;
 *  - PT_INTERP (the first one): 2 to 4096 bytes inside the file ending in a NUL;
 *  - PT_LOAD: p_filesz <= p_memsz, file bytes inside the file, p_align 0/1 or a power of two,
 *    p_vaddr and p_offset congruent modulo the page size (Linux maps them that way),
 *    [vaddr, vaddr + memsz) neither wrapping nor reaching LX_USER_LIMIT nor starting below
 *    LX_USER_MIN_ADDRESS, no two segments' byte ranges overlapping, at most 16 non-empty
 *    segments, at least one, and an image span of at most 1 GiB;
 *  - e_entry inside a PT_LOAD segment.
 */

#include "lx_elf.h"

static uint16_t lx_rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t lx_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

int lx_elf_read_ehdr(const void *image, size_t image_size, lx_elf_ehdr *ehdr)
{
    const uint8_t *p = (const uint8_t *)image;

    if (image == NULL || image_size < LX_ELF32_EHDR_SIZE)
        return -LX_ENOEXEC;

    lx_copy(ehdr->ident, p, LX_EI_NIDENT);
    ehdr->type = lx_rd16(p + 16);
    ehdr->machine = lx_rd16(p + 18);
    ehdr->version = lx_rd32(p + 20);
    ehdr->entry = lx_rd32(p + 24);
    ehdr->phoff = lx_rd32(p + 28);
    ehdr->shoff = lx_rd32(p + 32);
    ehdr->flags = lx_rd32(p + 36);
    ehdr->ehsize = lx_rd16(p + 40);
    ehdr->phentsize = lx_rd16(p + 42);
    ehdr->phnum = lx_rd16(p + 44);
    ehdr->shentsize = lx_rd16(p + 46);
    ehdr->shnum = lx_rd16(p + 48);
    ehdr->shstrndx = lx_rd16(p + 50);
    return 0;
}

int lx_elf_read_phdr(const void *image, size_t image_size, const lx_elf_ehdr *ehdr,
                     uint32_t index, lx_elf_phdr *phdr)
{
    const uint8_t *p;
    uint64_t off;

    if (index >= ehdr->phnum || ehdr->phentsize != LX_ELF32_PHDR_SIZE)
        return -LX_ENOEXEC;

    off = (uint64_t)ehdr->phoff + (uint64_t)index * LX_ELF32_PHDR_SIZE;
    if (off + LX_ELF32_PHDR_SIZE > image_size)
        return -LX_ENOEXEC;

    p = (const uint8_t *)image + (size_t)off;
    phdr->type = lx_rd32(p);
    phdr->offset = lx_rd32(p + 4);
    phdr->vaddr = lx_rd32(p + 8);
    phdr->paddr = lx_rd32(p + 12);
    phdr->filesz = lx_rd32(p + 16);
    phdr->memsz = lx_rd32(p + 20);
    phdr->flags = lx_rd32(p + 24);
    phdr->align = lx_rd32(p + 28);
    return 0;
}

static int lx_elf_check_header(const lx_elf_ehdr *eh, size_t image_size)
{
    uint64_t table_end;

    if (eh->ident[0] != 0x7f || eh->ident[1] != 'E' || eh->ident[2] != 'L' ||
        eh->ident[3] != 'F')
        return -LX_ENOEXEC;
    if (eh->ident[4] != LX_ELFCLASS32 || eh->ident[5] != LX_ELFDATA2LSB ||
        eh->ident[6] != LX_EV_CURRENT)
        return -LX_ENOEXEC;
    if (eh->version != LX_EV_CURRENT)
        return -LX_ENOEXEC;
    if (eh->machine != LX_EM_386 && eh->machine != LX_EM_486)
        return -LX_ENOEXEC;
    if (eh->type != LX_ET_EXEC && eh->type != LX_ET_DYN)
        return -LX_ENOEXEC;
    if (eh->phentsize != LX_ELF32_PHDR_SIZE)
        return -LX_ENOEXEC;
    if (eh->phnum == 0 || eh->phnum > LX_ELF_MAX_PHNUM)
        return -LX_ENOEXEC;
    if ((eh->phoff & 3) != 0 || eh->phoff < LX_ELF32_EHDR_SIZE)
        return -LX_ENOEXEC;

    table_end = (uint64_t)eh->phoff + (uint64_t)eh->phnum * LX_ELF32_PHDR_SIZE;
    if (table_end > image_size)
        return -LX_ENOEXEC;
    return 0;
}

static uint32_t lx_elf_prot(uint32_t pflags)
{
    uint32_t prot = 0;
    if (pflags & LX_PF_R)
        prot |= LX_PROT_READ;
    if (pflags & LX_PF_W)
        prot |= LX_PROT_WRITE;
    if (pflags & LX_PF_X)
        prot |= LX_PROT_EXEC;
    return prot;
}

/* Builds plan->prot: page ranges with the union of the protections of every segment that
 * touches them. Segments are disjoint in bytes, so at most the boundary pages are shared. */
static void lx_elf_build_prot(lx_load_plan *plan)
{
    uint32_t bounds[2 * LX_ELF_MAX_LOADS];
    uint32_t nb = 0, i, j;

    for (i = 0; i < plan->nsegments; i++)
    {
        bounds[nb++] = plan->segments[i].page_start;
        bounds[nb++] = plan->segments[i].page_end;
    }
    /* insertion sort, dropping duplicates */
    for (i = 1; i < nb; i++)
    {
        uint32_t v = bounds[i];
        j = i;
        while (j > 0 && bounds[j - 1] > v)
        {
            bounds[j] = bounds[j - 1];
            j--;
        }
        bounds[j] = v;
    }
    plan->nprot = 0;
    for (i = 0; i + 1 < nb; i++)
    {
        uint32_t start = bounds[i], end = bounds[i + 1], prot = 0, s;
        int covered = 0;

        if (start == end)
            continue;
        for (s = 0; s < plan->nsegments; s++)
        {
            const lx_load_segment *seg = &plan->segments[s];
            if (seg->page_start < end && start < seg->page_end)
            {
                prot |= seg->prot;
                covered = 1;
            }
        }
        if (!covered)
            continue;
        /* pages shared by two segments: split off so each range has one protection */
        if (plan->nprot > 0 && plan->prot[plan->nprot - 1].end == start &&
            plan->prot[plan->nprot - 1].prot == prot)
        {
            plan->prot[plan->nprot - 1].end = end;
            continue;
        }
        if (plan->nprot < 2 * LX_ELF_MAX_LOADS)
        {
            plan->prot[plan->nprot].start = start;
            plan->prot[plan->nprot].end = end;
            plan->prot[plan->nprot].prot = prot;
            plan->nprot++;
        }
    }
}

int lx_elf_plan(const void *image, size_t image_size, uint32_t dyn_base, lx_load_plan *plan)
{
    lx_elf_ehdr eh;
    lx_elf_phdr ph;
    uint32_t i, j;
    uint32_t min_vaddr = 0xFFFFFFFFu, max_end = 0;
    uint32_t phdr_vaddr_pt = 0;
    int have_pt_phdr = 0, overflow = 0, entry_ok = 0;
    int rc;

    if (plan == NULL)
        return -LX_EINVAL;
    lx_zero(plan, sizeof(*plan));

    rc = lx_elf_read_ehdr(image, image_size, &eh);
    if (rc < 0)
        return rc;
    rc = lx_elf_check_header(&eh, image_size);
    if (rc < 0)
        return rc;

    plan->type = eh.type;
    plan->phent = eh.phentsize;
    plan->phnum = eh.phnum;
    plan->phdr_offset = eh.phoff;
    plan->stack_prot = LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC; /* i386 default */

    /* First pass: per-header checks, collect PT_LOAD in file order (unbiased). */
    for (i = 0; i < eh.phnum; i++)
    {
        rc = lx_elf_read_phdr(image, image_size, &eh, i, &ph);
        if (rc < 0)
            return rc;

        switch (ph.type)
        {
            case LX_PT_INTERP:
                if (plan->interp_size != 0)
                    break;      /* the first one counts, as in Linux */
                if (ph.filesz < 2 || ph.filesz > LX_ELF_INTERP_MAX ||
                    (uint64_t)ph.offset + ph.filesz > image_size ||
                    ((const uint8_t *)image)[ph.offset + ph.filesz - 1] != 0)
                    return -LX_ENOEXEC;
                plan->interp_offset = ph.offset;
                plan->interp_size = ph.filesz;
                break;

            case LX_PT_GNU_STACK:
                plan->stack_prot = (ph.flags & LX_PF_X) ?
                    (LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC) :
                    (LX_PROT_READ | LX_PROT_WRITE);
                break;

            case LX_PT_PHDR:
                have_pt_phdr = 1;
                phdr_vaddr_pt = ph.vaddr;
                break;

            case LX_PT_TLS:
                if ((uint64_t)ph.vaddr + ph.memsz > 0xFFFFFFFFu || ph.filesz > ph.memsz)
                    return -LX_ENOEXEC;
                if ((uint64_t)ph.offset + ph.filesz > image_size)
                    return -LX_ENOEXEC;
                plan->tls_vaddr = ph.vaddr;
                plan->tls_memsz = ph.memsz;
                break;

            case LX_PT_LOAD:
            {
                lx_load_segment *seg;
                uint64_t end;

                if (ph.filesz > ph.memsz)
                    return -LX_ENOEXEC;
                if ((uint64_t)ph.offset + ph.filesz > image_size)
                    return -LX_ENOEXEC;
                if (ph.align > 1 && (ph.align & (ph.align - 1)) != 0)
                    return -LX_ENOEXEC;
                if ((ph.vaddr & (LX_PAGE_SIZE - 1)) != (ph.offset & (LX_PAGE_SIZE - 1)))
                    return -LX_ENOEXEC;
                end = (uint64_t)ph.vaddr + ph.memsz;
                if (end > 0xFFFFFFFFu)
                    return -LX_ENOEXEC;     /* wraps */
                if (ph.memsz == 0)
                    break;                  /* maps nothing, as in Linux */
                if (plan->nsegments >= LX_ELF_MAX_LOADS)
                    return -LX_ENOEXEC;

                seg = &plan->segments[plan->nsegments++];
                seg->vaddr = ph.vaddr;
                seg->file_offset = ph.offset;
                seg->file_size = ph.filesz;
                seg->mem_size = ph.memsz;
                seg->prot = lx_elf_prot(ph.flags);
                if (ph.vaddr < min_vaddr)
                    min_vaddr = ph.vaddr;
                if ((uint32_t)end > max_end)
                    max_end = (uint32_t)end;
                break;
            }

            case LX_PT_DYNAMIC:
                /* A static PIE has PT_DYNAMIC (its own relocations, done by its start code). */
            default:
                break;
        }
    }

    if (plan->nsegments == 0)
        return -LX_ENOEXEC;

    /* No two segments may overlap in bytes (unbiased: the bias moves all alike). */
    for (i = 0; i < plan->nsegments; i++)
    {
        for (j = i + 1; j < plan->nsegments; j++)
        {
            const lx_load_segment *a = &plan->segments[i], *b = &plan->segments[j];
            if ((uint64_t)a->vaddr < (uint64_t)b->vaddr + b->mem_size &&
                (uint64_t)b->vaddr < (uint64_t)a->vaddr + a->mem_size)
                return -LX_ENOEXEC;
        }
    }

    /* The span must be sane before computing the bias. */
    if ((uint64_t)max_end - lx_round_down(min_vaddr, LX_PAGE_SIZE) > LX_ELF_MAX_IMAGE_SPAN)
        return -LX_ENOEXEC;

    if (eh.type == LX_ET_DYN)
    {
        if (dyn_base == 0)
            dyn_base = LX_ELF_DEFAULT_DYN_BASE;
        if ((dyn_base & (LX_PAGE_SIZE - 1)) != 0)
            return -LX_EINVAL;
        plan->bias = dyn_base - lx_round_down(min_vaddr, LX_PAGE_SIZE);
    }

    /* Relocate and check against the user address range. */
    for (i = 0; i < plan->nsegments; i++)
    {
        lx_load_segment *seg = &plan->segments[i];
        uint64_t start = (uint64_t)seg->vaddr + plan->bias;
        uint64_t end;

        if (eh.type == LX_ET_DYN)
            start &= 0xFFFFFFFFu;   /* bias is modular: dyn_base - min */
        end = start + seg->mem_size;
        if (start < LX_USER_MIN_ADDRESS || end > LX_USER_LIMIT)
            return -LX_ENOEXEC;

        seg->vaddr = (uint32_t)start;
        seg->page_start = lx_round_down(seg->vaddr, LX_PAGE_SIZE);
        seg->page_end = lx_round_up((uint32_t)end, LX_PAGE_SIZE, &overflow);
        if (overflow || seg->page_end > LX_USER_LIMIT)
            return -LX_ENOEXEC;
        seg->zero_start = seg->vaddr + seg->file_size;
        seg->zero_end = seg->page_end;
    }

    plan->image_start = 0xFFFFFFFFu;
    plan->image_end = 0;
    for (i = 0; i < plan->nsegments; i++)
    {
        const lx_load_segment *seg = &plan->segments[i];
        if (seg->page_start < plan->image_start)
            plan->image_start = seg->page_start;
        if (seg->page_end > plan->image_end)
            plan->image_end = seg->page_end;
    }
    plan->reserve_start = lx_round_down(plan->image_start, LX_ALLOC_GRANULARITY);
    plan->reserve_end = lx_round_up(plan->image_end, LX_ALLOC_GRANULARITY, &overflow);
    if (overflow || plan->reserve_end > LX_USER_LIMIT)
        plan->reserve_end = LX_USER_LIMIT;
    plan->brk_start = plan->image_end;
    {
        uint32_t start_data = 0, end_data = 0;

        for (i = 0; i < plan->nsegments; i++)
        {
            const lx_load_segment *seg = &plan->segments[i];
            if (seg->vaddr > start_data)
                start_data = seg->vaddr;
            if (seg->vaddr + seg->file_size > end_data)
                end_data = seg->vaddr + seg->file_size;
        }
        plan->data_size = end_data - start_data;
    }

    plan->entry = eh.entry + plan->bias;
    for (i = 0; i < plan->nsegments; i++)
    {
        const lx_load_segment *seg = &plan->segments[i];
        if (plan->entry >= seg->vaddr && plan->entry - seg->vaddr < seg->mem_size)
            entry_ok = 1;
    }
    if (!entry_ok)
        return -LX_ENOEXEC;

    if (plan->tls_memsz != 0)
        plan->tls_vaddr += plan->bias;

    /* AT_PHDR: PT_PHDR if present, else the loaded file bytes that hold e_phoff. */
    if (have_pt_phdr)
    {
        uint32_t a = phdr_vaddr_pt + plan->bias;
        uint32_t size = (uint32_t)eh.phnum * LX_ELF32_PHDR_SIZE;
        for (i = 0; i < plan->nsegments; i++)
        {
            const lx_load_segment *seg = &plan->segments[i];
            if (a >= seg->vaddr && (uint64_t)a - seg->vaddr + size <= seg->file_size)
                plan->phdr_addr = a;
        }
    }
    if (plan->phdr_addr == 0)
    {
        uint32_t size = (uint32_t)eh.phnum * LX_ELF32_PHDR_SIZE;
        for (i = 0; i < plan->nsegments; i++)
        {
            const lx_load_segment *seg = &plan->segments[i];
            if (eh.phoff >= seg->file_offset &&
                (uint64_t)eh.phoff - seg->file_offset + size <= seg->file_size)
            {
                plan->phdr_addr = seg->vaddr + (eh.phoff - seg->file_offset);
                break;
            }
        }
    }

    lx_elf_build_prot(plan);
    return 0;
}
