/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     The system call layer of lxcore (sys/): the handlers' prototypes (generated
 *              from syscall-defs) and the layers below
 */

#ifndef _LXSYS_H_
#define _LXSYS_H_

#include "lxkernel.h"
#include "lxsys_handlers.h"

/* Helpers shared by handler files */

/* fs_poll.c: the temporary signal mask of ppoll, pselect6 and epoll_pwait, in force during
 * the wait only */
typedef struct _LX_WAIT_MASK
{
    BOOLEAN Given;
    ULONGLONG Original;
    ULONGLONG During;
} LX_WAIT_MASK, *PLX_WAIT_MASK;
LONG LxReadWaitMask(_In_ ULONG_PTR User, _In_ SIZE_T Size, _Out_ PLX_WAIT_MASK Mask);
VOID LxBeginWaitMask(_In_ const LX_WAIT_MASK *Mask);
LONG LxEndWaitMask(_In_ const LX_WAIT_MASK *Mask, _In_ LONG Result);

#endif /* _LXSYS_H_ */
