/*
 * PROJECT:     lxss for ReactOS - psxss
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Launch request blob exchanged between psxss clients and psxss (portable C99:
 *              no NT headers, compiled for the guest and for the host unit tests)
 *
 * A client (lxrun, the test runner) writes one PSX_REQUEST into its LPC port view and sends
 * PsxApiCreateProcess with the offset and length. The server copies the bytes out of the view
 * first and validates them with PsxValidateRequest before it uses anything.
 *
 * Layout: a PSX_REQUEST header followed by the strings it points to. Every PSX_STRING_REF is
 * an offset from the start of the request and a length in bytes; Length 0 means "absent".
 * The header depends on the protocol minor version both sides agreed on (psxmsg.h): minor 0
 * ends after EnvironmentCount (PSX_REQUEST_HEADER_SIZE_0, its strings start there), minor 1
 * adds the terminal size (minors 2 and 3 only add flags), minor 4 the user to run as. Pack
 * and validate with the agreed minor version.
 *  - UTF-8 strings (Program, Cwd) are NUL-terminated, the NUL counts in Length, and they
 *    contain no other NUL.
 *  - UTF-8 lists (Arguments, Environment) are Count NUL-terminated strings packed back to back.
 *  - UTF-16LE strings (ImagePath, Root) have an even Length and no terminator.
 *  - Groups is a list of 32-bit gids (Length a multiple of 4, 4-byte aligned).
 */

#ifndef _PSXREQ_H_
#define _PSXREQ_H_

#include <stddef.h>
#include <stdint.h>

#define PSX_REQUEST_MAGIC           0x52585350u /* "PSXR" */

/* Hard limits, checked on both sides. */
#define PSX_REQUEST_MAX_SIZE        (60u * 1024u)   /* fits in the 64 KiB port view */
#define PSX_MAX_ARGUMENTS           1024u
#define PSX_MAX_ENVIRONMENT         1024u
#define PSX_MAX_LINUX_PATH          4096u           /* PATH_MAX, including the NUL */
#define PSX_MAX_NT_PATH_CHARS       1024u           /* UTF-16 units, no NUL */
#define PSX_MAX_GROUPS              64u             /* supplementary groups (lxcore's) */

/* PSX_REQUEST.Flags */
#define PSX_REQUEST_DEBUG_STDIO     0x00000001u     /* no std handles: fds 1/2 -> DbgPrint */
/* (minor 1) stdio is the launcher's terminal (a bridged console) of TerminalRows x
 * TerminalColumns: fds 0-2 answer TCGETS, TIOCGWINSZ... as a tty does. Not with
 * PSX_REQUEST_DEBUG_STDIO, and the client must send at least one std handle. */
#define PSX_REQUEST_STDIO_TTY       0x00000002u
/* (minor 2) trace the program's system calls and its children's on the kernel debug port
 * (LXSS_CREATE_TRACE: lxcore allows it to administrators only) */
#define PSX_REQUEST_TRACE           0x00000004u
/* (minor 3) fd 0 / 1 / 2 is the launcher's terminal: a pseudo-terminal lxcore makes
 * (LXSS_CREATE_TTY_*, interface 1.5), with a line discipline, the controlling terminal of a
 * new session the program leads. The std handle sent for fd 0 is the pipe the launcher
 * writes the keys into, the one for fd 1 (else fd 2) the pipe it reads what the terminal
 * shows from; the fds without a flag get their handle as they are (a redirection stays a
 * file or a pipe). TerminalRows x TerminalColumns is required as with PSX_REQUEST_STDIO_TTY
 * (PsxApiResizeTerminal changes it later). Not with PSX_REQUEST_STDIO_TTY (the older
 * emulation) nor PSX_REQUEST_DEBUG_STDIO. TTY_STDIN needs a handle for fd 0, TTY_STDOUT one
 * for fd 1, TTY_STDERR without TTY_STDOUT one for fd 2 (PsxCheckTerminalHandles). */
#define PSX_REQUEST_TTY_STDIN       0x00000008u
#define PSX_REQUEST_TTY_STDOUT      0x00000010u
#define PSX_REQUEST_TTY_STDERR      0x00000020u
#define PSX_REQUEST_TTY_ANY         0x00000038u
/* (minor 4) run as Uid and Gid (real, effective, saved and file-system ids) with the
 * supplementary Groups, instead of as root (LXSS_CREATE_USER, interface 1.6) */
#define PSX_REQUEST_USER            0x00000040u
#define PSX_REQUEST_VALID_FLAGS_0   0x00000001u     /* minor version 0 */
#define PSX_REQUEST_VALID_FLAGS_1   0x00000003u     /* minor version 1 */
#define PSX_REQUEST_VALID_FLAGS_2   0x00000007u     /* minor version 2 */
#define PSX_REQUEST_VALID_FLAGS_3   0x0000003Fu     /* minor version 3 */
#define PSX_REQUEST_VALID_FLAGS     0x0000007Fu     /* PSX_PROTOCOL_MINOR_VERSION (4) */

/* Terminal size limits (the console's SHORT coordinates; Linux's winsize is 16-bit) */
#define PSX_MAX_TERMINAL_SIZE       0x7FFFu

/* Errors returned by the functions below: negative Linux errno values. */
#define PSX_EPERM                   (-1)
#define PSX_ENOENT                  (-2)
#define PSX_E2BIG                   (-7)
#define PSX_ENOEXEC                 (-8)
#define PSX_ENOMEM                  (-12)
#define PSX_EFAULT                  (-14)
#define PSX_EINVAL                  (-22)
#define PSX_ENOTTY                  (-25)           /* a terminal flag on stdio that cannot be
                                                       one (debug stdio, a missing handle) */
#define PSX_ENOSYS                  (-38)           /* lxcore too old for the request */
#define PSX_ENAMETOOLONG            (-36)
#define PSX_EILSEQ                  (-84)

typedef struct _PSX_STRING_REF
{
    uint32_t Offset;
    uint32_t Length;
} PSX_STRING_REF;

typedef struct _PSX_REQUEST
{
    uint32_t Magic;             /* PSX_REQUEST_MAGIC */
    uint32_t Size;              /* bytes of the whole request, header included */
    uint32_t Flags;             /* PSX_REQUEST_* */
    PSX_STRING_REF Program;     /* required: UTF-8 Linux path of the program (absolute, or
                                   relative to Cwd); becomes AT_EXECFN */
    PSX_STRING_REF ImagePath;   /* optional: UTF-16 NT path of the ELF file; absent = Program,
                                   which lxcore resolves under Root as open() does */
    PSX_STRING_REF Root;        /* optional: UTF-16 NT path of the Linux "/" */
    PSX_STRING_REF Cwd;         /* optional: UTF-8 absolute Linux path; absent = "/" */
    PSX_STRING_REF Arguments;   /* ArgumentCount UTF-8 strings (argv) */
    uint32_t ArgumentCount;
    PSX_STRING_REF Environment; /* EnvironmentCount UTF-8 strings (envp) */
    uint32_t EnvironmentCount;
    /* Minor 1 (a minor 0 header ends here, its strings start at this offset) */
    uint16_t TerminalRows;      /* with PSX_REQUEST_STDIO_TTY or a PSX_REQUEST_TTY_* flag: */
    uint16_t TerminalColumns;   /* 1..PSX_MAX_TERMINAL_SIZE, else 0 */
    /* Minor 4 (a minor 1-3 header ends here) */
    uint32_t Uid;               /* with PSX_REQUEST_USER, else 0 */
    uint32_t Gid;
    PSX_STRING_REF Groups;      /* with PSX_REQUEST_USER: up to PSX_MAX_GROUPS gids */
} PSX_REQUEST;

#define PSX_REQUEST_HEADER_SIZE_0   ((uint32_t)offsetof(PSX_REQUEST, TerminalRows))
#define PSX_REQUEST_HEADER_SIZE_1   ((uint32_t)offsetof(PSX_REQUEST, Uid))

/* Size of the request header in protocol minor version MinorVersion (newer ones: the
 * newest this code knows). */
#define PSX_REQUEST_HEADER_SIZE(MinorVersion) \
    ((MinorVersion) == 0 ? PSX_REQUEST_HEADER_SIZE_0 : \
     (MinorVersion) < 4 ? PSX_REQUEST_HEADER_SIZE_1 : (uint32_t)sizeof(PSX_REQUEST))

/* What a client fills in to build a request. */
typedef struct _PSX_REQUEST_PARAMS
{
    uint32_t Flags;
    const char *Program;            /* required */
    const uint16_t *ImagePath;      /* optional, ImagePathChars UTF-16 units */
    uint32_t ImagePathChars;
    const uint16_t *Root;           /* optional, RootChars UTF-16 units */
    uint32_t RootChars;
    const char *Cwd;                /* optional */
    const char *const *Arguments;   /* ArgumentCount strings */
    uint32_t ArgumentCount;
    const char *const *Environment; /* EnvironmentCount strings */
    uint32_t EnvironmentCount;
    uint16_t TerminalRows;          /* with PSX_REQUEST_STDIO_TTY or PSX_REQUEST_TTY_* */
    uint16_t TerminalColumns;
    uint32_t Uid;                   /* with PSX_REQUEST_USER */
    uint32_t Gid;
    const uint32_t *Groups;         /* GroupCount gids, with PSX_REQUEST_USER */
    uint32_t GroupCount;
} PSX_REQUEST_PARAMS;

/* A validated request: pointers into the (copied) request buffer. */
typedef struct _PSX_REQUEST_VIEW
{
    uint32_t Flags;
    const char *Program;
    const uint16_t *ImagePath;      /* NULL if absent */
    uint32_t ImagePathChars;
    const uint16_t *Root;           /* NULL if absent */
    uint32_t RootChars;
    const char *Cwd;                /* never NULL ("/" if absent) */
    const char *Arguments;          /* packed list, NULL if ArgumentCount == 0 */
    uint32_t ArgumentsLength;
    uint32_t ArgumentCount;
    const char *Environment;        /* packed list, NULL if EnvironmentCount == 0 */
    uint32_t EnvironmentLength;
    uint32_t EnvironmentCount;
    uint16_t TerminalRows;          /* non-zero only with PSX_REQUEST_STDIO_TTY or */
    uint16_t TerminalColumns;       /* PSX_REQUEST_TTY_* */
    uint32_t Uid;                   /* with PSX_REQUEST_USER, else 0 */
    uint32_t Gid;
    uint32_t Groups[PSX_MAX_GROUPS];    /* GroupCount of them */
    uint32_t GroupCount;
} PSX_REQUEST_VIEW;

/* Packs Params into Buffer (Capacity bytes) in the layout of protocol minor version
 * MinorVersion. Returns 0 and the size in *Written, or PSX_E2BIG (does not fit / too many
 * strings, more than PSX_MAX_GROUPS groups), PSX_EINVAL (missing or malformed field, a flag
 * that version does not have, a terminal size out of range or without a terminal flag, a
 * user or groups without PSX_REQUEST_USER), PSX_ENOTTY (a terminal together with debug
 * stdio, PSX_REQUEST_STDIO_TTY together with PSX_REQUEST_TTY_*). */
int
PsxPackRequest(void *Buffer,
               uint32_t Capacity,
               uint32_t MinorVersion,
               const PSX_REQUEST_PARAMS *Params,
               uint32_t *Written);

/* Validates Length bytes at Buffer (which must be 4-byte aligned) as a request of protocol
 * minor version MinorVersion. Returns 0 and fills *View, or PSX_EINVAL / PSX_E2BIG /
 * PSX_ENAMETOOLONG / PSX_ENOTTY (as for PsxPackRequest). Never reads outside the buffer. */
int
PsxValidateRequest(const void *Buffer,
                   uint32_t Length,
                   uint32_t MinorVersion,
                   PSX_REQUEST_VIEW *View);

/* The std handles a request comes with, which are not part of it (PSX_CREATE_PROCESS_MSG
 * carries them): bit N of HandleMask is set when fd N has one. PSX_REQUEST_STDIO_TTY needs at
 * least one (something must be the terminal), PSX_REQUEST_TTY_STDIN one for fd 0 (the keys),
 * PSX_REQUEST_TTY_STDOUT one for fd 1 and PSX_REQUEST_TTY_STDERR without TTY_STDOUT one for
 * fd 2 (what the terminal shows). Returns 0 or PSX_ENOTTY. */
int
PsxCheckTerminalHandles(uint32_t Flags,
                        uint32_t HandleMask);

/* The default Linux root: \SystemRoot\lxss\rootfs (UTF-16, no NUL). */
extern const uint16_t PsxDefaultRoot[];
extern const uint32_t PsxDefaultRootChars;

#endif /* _PSXREQ_H_ */
