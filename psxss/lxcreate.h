/*
 * PROJECT:     lxss for ReactOS - psxss
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Turns a validated launch request into the input buffer of
 *              IOCTL_LXSS_CREATE_PROCESS (portable: also built for the host unit tests)
 */

#ifndef _LXCREATE_H_
#define _LXCREATE_H_

#ifdef PSX_HOST_BUILD
#include <stdint.h>
typedef uint32_t ULONG;
typedef int32_t LONG;
typedef void *HANDLE;
#else
#include <windef.h>
#endif

#include <lxioctl.h>
#include "psxreq.h"

/* Everything the server decided about one launch. */
typedef struct _PSX_LAUNCH
{
    const PSX_REQUEST_VIEW *Request;
    const uint16_t *Root;           /* NT path of "/" (request's or the default) */
    uint32_t RootChars;
    const uint16_t *ImagePath;      /* NT path of the ELF file the launcher gave, or NULL:
                                       lxcore resolves Request->Program (ProgramPath) */
    uint32_t ImagePathChars;
    HANDLE StdHandles[3];           /* in the server's process, NULL = closed */
} PSX_LAUNCH;

/* Size in bytes of the IOCTL input for Launch (0 if it would overflow 32 bits). */
uint32_t
PsxCreateInputSize(const PSX_LAUNCH *Launch);

/* Writes LXSS_CREATE_PROCESS_IN followed by its blobs into Buffer (4-byte aligned,
 * Capacity bytes): the program as ProgramPath (the request's Linux path, which lxcore
 * resolves) unless the launcher gave an NT ImagePath, the request's program as ExecFn.
 * PSX_REQUEST_STDIO_TTY becomes LXSS_CREATE_STDIO_TTY, PSX_REQUEST_TTY_STDIN/STDOUT/STDERR
 * LXSS_CREATE_TTY_STDIN/STDOUT/STDERR, either with TerminalSize = (rows << 16) | columns.
 * Returns 0 and *Written, or PSX_E2BIG if Capacity is too small, PSX_EINVAL without a root,
 * PSX_ENOTTY for a terminal without the std handles it needs (PsxCheckTerminalHandles). */
int
PsxBuildCreateInput(const PSX_LAUNCH *Launch,
                    void *Buffer,
                    uint32_t Capacity,
                    uint32_t *Written);

/* Converts a finished Linux process to the exit code a Windows launcher returns:
 * the exit status for a normal exit, 128 + signal for a process killed by a signal
 * (like a POSIX shell), 255 for anything else. */
uint32_t
PsxExitCodeFromWait(ULONG State,
                    ULONG ExitStatus,
                    ULONG Signal);

#endif /* _LXCREATE_H_ */
