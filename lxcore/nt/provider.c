/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     The routines NT gives lxcore when it registers as the pico provider
 *              (PsRegisterPicoProvider, entry/driver.c): creating and ending pico processes
 *              and threads, their contexts
 */

#include "lxnt.h"

PS_PICO_ROUTINES LxPicoRoutines;
