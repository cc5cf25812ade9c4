/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     ELF32 i386 validation and load planning (static ET_EXEC and static-PIE ET_DYN)
 *
 * Portable C99, no NT headers: compiled into lxcore.sys and into the host unit tests.
 * lx_elf_plan() reads a whole ELF file held in memory and either fills an lx_load_plan or
 * returns -LX_ENOEXEC. It never reads outside [image, image + image_size).
 */

#ifndef LX_ELF_H
#define LX_ELF_H

#include "lx_types.h"

/* ELF constants (from the System V gABI and the i386 psABI). */
#define LX_EI_NIDENT        16
#define LX_ELFCLASS32       1
#define LX_ELFDATA2LSB      1
#define LX_EV_CURRENT       1
#define LX_ET_EXEC          2
#define LX_ET_DYN           3
#define LX_EM_386           3
#define LX_EM_486           6

#define LX_PT_NULL          0
#define LX_PT_LOAD          1
#define LX_PT_DYNAMIC       2
#define LX_PT_INTERP        3
#define LX_PT_NOTE          4
#define LX_PT_SHLIB         5
#define LX_PT_PHDR          6
#define LX_PT_TLS           7
#define LX_PT_GNU_EH_FRAME  0x6474e550u
#define LX_PT_GNU_STACK     0x6474e551u
#define LX_PT_GNU_RELRO     0x6474e552u

#define LX_PF_X             0x1
#define LX_PF_W             0x2
#define LX_PF_R             0x4

#define LX_ELF32_EHDR_SIZE  52
#define LX_ELF32_PHDR_SIZE  32

/* Linux protection bits (PROT_*), used for plan protections. */
#define LX_PROT_NONE        0x0
#define LX_PROT_READ        0x1
#define LX_PROT_WRITE       0x2
#define LX_PROT_EXEC        0x4

/* Address space facts for ReactOS i386 user mode. */
#define LX_PAGE_SIZE            0x1000u
#define LX_ALLOC_GRANULARITY    0x10000u    /* NT reservations are 64 KiB aligned */
#define LX_USER_MIN_ADDRESS     0x00010000u /* the first 64 KiB are never allocatable */
#define LX_USER_LIMIT           0x7FFE0000u /* KUSER_SHARED_DATA: nothing mapped at or above */

/* Limits the loader enforces (anything beyond is -ENOEXEC). */
#define LX_ELF_MAX_PHNUM        128         /* Linux: phnum * phentsize <= 4096 on i386 */
#define LX_ELF_MAX_LOADS        16          /* PT_LOAD segments kept in a plan */
#define LX_ELF_MAX_IMAGE_SPAN   0x40000000u /* 1 GiB of address space for one image */

/* Default load address of a static PIE (ET_DYN): 64 KiB aligned, clear of the NULL region. */
#define LX_ELF_DEFAULT_DYN_BASE 0x00400000u
#define LX_ELF_INTERP_BASE      0x70000000u /* where a program's interpreter (ld.so) goes */
#define LX_ELF_RANDOM_SLOTS     256u        /* ET_DYN bases move by up to 255 x 64 KiB (ASLR): */
                                            /* the program's up, the interpreter's down */
#define LX_ELF_INTERP_MAX       4096u       /* PATH_MAX, with the NUL */

typedef struct lx_elf_ehdr
{
    uint8_t ident[LX_EI_NIDENT];
    uint16_t type;
    uint16_t machine;
    uint32_t version;
    uint32_t entry;
    uint32_t phoff;
    uint32_t shoff;
    uint32_t flags;
    uint16_t ehsize;
    uint16_t phentsize;
    uint16_t phnum;
    uint16_t shentsize;
    uint16_t shnum;
    uint16_t shstrndx;
} lx_elf_ehdr;

typedef struct lx_elf_phdr
{
    uint32_t type;
    uint32_t offset;
    uint32_t vaddr;
    uint32_t paddr;
    uint32_t filesz;
    uint32_t memsz;
    uint32_t flags;
    uint32_t align;
} lx_elf_phdr;

/* One PT_LOAD segment, relocated by the load bias. */
typedef struct lx_load_segment
{
    uint32_t vaddr;         /* p_vaddr + bias: where the file bytes go */
    uint32_t file_offset;   /* p_offset: where they come from */
    uint32_t file_size;     /* p_filesz: how many bytes to copy */
    uint32_t mem_size;      /* p_memsz */
    uint32_t page_start;    /* vaddr rounded down to a page */
    uint32_t page_end;      /* vaddr + mem_size rounded up to a page (exclusive) */
    uint32_t zero_start;    /* vaddr + file_size: bss zeroing starts here ... */
    uint32_t zero_end;      /* ... and ends here (page_end); zero_start == zero_end: no bss */
    uint32_t prot;          /* LX_PROT_* from p_flags */
} lx_load_segment;

/* Final protections by page range: sorted, disjoint, pages shared by two segments get the
 * union of both protections (the way Linux's later mmap of the shared page behaves closest). */
typedef struct lx_prot_range
{
    uint32_t start;         /* page aligned */
    uint32_t end;           /* page aligned, exclusive */
    uint32_t prot;
} lx_prot_range;

typedef struct lx_load_plan
{
    uint32_t type;          /* LX_ET_EXEC or LX_ET_DYN */
    uint32_t bias;          /* added to every p_vaddr (0 for ET_EXEC) */
    uint32_t entry;         /* e_entry + bias */
    uint32_t phdr_addr;     /* user address of the program headers, 0 if not loaded */
    uint32_t phdr_offset;   /* e_phoff (to copy them elsewhere when phdr_addr == 0) */
    uint32_t phent;         /* e_phentsize (32) */
    uint32_t phnum;         /* e_phnum */
    uint32_t image_start;   /* lowest page_start */
    uint32_t image_end;     /* highest page_end */
    uint32_t reserve_start; /* image_start rounded down to 64 KiB */
    uint32_t reserve_end;   /* image_end rounded up to 64 KiB */
    uint32_t brk_start;     /* first page after the highest segment (Linux's mm->start_brk) */
    uint32_t data_size;     /* Linux's end_data - start_data (the highest p_vaddr to the highest
                               p_vaddr + p_filesz), which RLIMIT_DATA counts with the brk area */
    uint32_t stack_prot;    /* LX_PROT_READ|WRITE, plus EXEC without PT_GNU_STACK or with PF_X */
    uint32_t interp_offset; /* PT_INTERP: the interpreter's path in the file (NUL-terminated, */
    uint32_t interp_size;   /* interp_size bytes with the NUL), or 0 0: a static program */
    uint32_t tls_vaddr;     /* PT_TLS p_vaddr + bias, or 0 */
    uint32_t tls_memsz;
    uint32_t nsegments;
    lx_load_segment segments[LX_ELF_MAX_LOADS];
    uint32_t nprot;
    lx_prot_range prot[2 * LX_ELF_MAX_LOADS];
} lx_load_plan;

/* Reads the ELF header (no validation beyond size). Returns 0 or -LX_ENOEXEC. */
int lx_elf_read_ehdr(const void *image, size_t image_size, lx_elf_ehdr *ehdr);

/* Reads program header 'index' (bounds checked). Returns 0 or -LX_ENOEXEC. */
int lx_elf_read_phdr(const void *image, size_t image_size, const lx_elf_ehdr *ehdr,
                     uint32_t index, lx_elf_phdr *phdr);

/* Validates a whole ELF file in memory and plans its load.
 * dyn_base: where the lowest page of an ET_DYN image goes (page aligned; ignored for ET_EXEC;
 *           0 = LX_ELF_DEFAULT_DYN_BASE).
 * A dynamic program's interpreter is named by interp_offset/interp_size (its first PT_INTERP,
 * at most LX_ELF_INTERP_MAX bytes ending in a NUL, as Linux's binfmt_elf takes it); the
 * caller plans the interpreter with another call.
 * Returns 0, or -LX_ENOEXEC for anything wrong. */
int lx_elf_plan(const void *image, size_t image_size, uint32_t dyn_base, lx_load_plan *plan);

#endif /* LX_ELF_H */
