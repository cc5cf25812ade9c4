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

#endif /* _LXSYS_H_ */
