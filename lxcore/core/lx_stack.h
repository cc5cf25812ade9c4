/*
 * PROJECT:     lxss for ReactOS - lxcore portable core
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Initial Linux i386 process stack: argc, argv, envp, auxv and their strings
 *
 * Layout built downwards from 'top' (the i386 Linux layout, fs/binfmt_elf.c):
 *
 *   top - 4          0 (end marker)
 *                    AT_EXECFN string, environment strings, argument strings
 *                    "i686\0" (AT_PLATFORM), 16 bytes AT_RANDOM
 *   ...              padding so that ESP is 16-byte aligned
 *   ESP ->           argc
 *                    argv[0..argc-1], NULL
 *                    envp[0..envc-1], NULL
 *                    auxv pairs (type, value) ..., AT_NULL, 0
 */

#ifndef LX_STACK_H
#define LX_STACK_H

#include "lx_types.h"

#define LX_AT_NULL      0
#define LX_AT_IGNORE    1
#define LX_AT_EXECFD    2
#define LX_AT_PHDR      3
#define LX_AT_PHENT     4
#define LX_AT_PHNUM     5
#define LX_AT_PAGESZ    6
#define LX_AT_BASE      7
#define LX_AT_FLAGS     8
#define LX_AT_ENTRY     9
#define LX_AT_NOTELF    10
#define LX_AT_UID       11
#define LX_AT_EUID      12
#define LX_AT_GID       13
#define LX_AT_EGID      14
#define LX_AT_PLATFORM  15
#define LX_AT_HWCAP     16
#define LX_AT_CLKTCK    17
#define LX_AT_SECURE    23
#define LX_AT_RANDOM    25
#define LX_AT_HWCAP2    26
#define LX_AT_EXECFN    31

/* Number of auxv pairs lx_stack_build writes, AT_NULL included. */
#define LX_STACK_AUXV_PAIRS 19

/* Linux's limits for execve: each string at most 32 pages, at most 0x7FFFFFFF strings. */
#define LX_MAX_ARG_STRLEN   (32u * 4096u)

typedef struct lx_stack_params
{
    uint32_t argc;
    const char *const *argv;        /* argc strings */
    uint32_t envc;
    const char *const *envp;        /* envc strings */
    const char *execfn;             /* AT_EXECFN; NULL = argv[0] (or "" without arguments) */
    const uint8_t *random16;        /* 16 random bytes for AT_RANDOM (required) */
    uint32_t phdr_addr;             /* AT_PHDR (0 with phdr_copy: copied onto the stack) */
    const void *phdr_copy;          /* optional: program headers to copy onto the stack */
    uint32_t phent;                 /* AT_PHENT */
    uint32_t phnum;                 /* AT_PHNUM */
    uint32_t base;                  /* AT_BASE (0: no interpreter) */
    uint32_t entry;                 /* AT_ENTRY */
    uint32_t uid, euid, gid, egid;
    uint32_t secure;                /* AT_SECURE */
    uint32_t hwcap;                 /* AT_HWCAP (CPUID.1:EDX on i386) */
    uint32_t clktck;                /* AT_CLKTCK; 0 = 100 */
} lx_stack_params;

typedef struct lx_stack_result
{
    uint32_t esp;           /* initial ESP: points at argc, 16-byte aligned */
    uint32_t used;          /* bytes used from top downwards (top - esp) */
    uint32_t argv_addr;     /* user address of argv[0] pointer */
    uint32_t envp_addr;
    uint32_t auxv_addr;
    uint32_t random_addr;
    uint32_t execfn_addr;
    uint32_t platform_addr;
    uint32_t phdr_addr;     /* AT_PHDR as written */
    uint32_t arg_start;     /* the argument strings, [arg_start, arg_end) (Linux's mm->arg_start) */
    uint32_t arg_end;
    uint32_t env_start;     /* the environment strings, [env_start, env_end) */
    uint32_t env_end;
} lx_stack_result;

/* Builds the stack in buf, which stands for user memory [top - buf_size, top).
 * top must be 16-byte aligned. Returns 0, -LX_E2BIG when it does not fit (or a string is
 * longer than LX_MAX_ARG_STRLEN) or -LX_EINVAL for bad parameters. */
int lx_stack_build(const lx_stack_params *params, uint8_t *buf, uint32_t buf_size,
                   uint32_t top, lx_stack_result *result);

#endif /* LX_STACK_H */
