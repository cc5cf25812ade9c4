/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     The entry of lxcore (entry/): the driver and the pico provider callbacks
 */

#ifndef _LXENTRY_H_
#define _LXENTRY_H_

#include "lxsys.h"

/* pico.c */
VOID NTAPI LxPicoDispatchSystemCall(_Inout_ PPS_PICO_SYSTEM_CALL_INFORMATION Info);
VOID NTAPI LxPicoExitThread(_In_ PETHREAD Thread);
VOID NTAPI LxPicoExitProcess(_In_ PEPROCESS Process);
BOOLEAN NTAPI LxPicoDispatchException(_Inout_ PEXCEPTION_RECORD ExceptionRecord,
                                      _Inout_opt_ PVOID ExceptionFrame,
                                      _Inout_ struct _KTRAP_FRAME *TrapFrame,
                                      _In_ ULONG Chance,
                                      _In_ KPROCESSOR_MODE PreviousMode);
NTSTATUS NTAPI LxPicoTerminateProcess(_In_ PEPROCESS Process, _In_ NTSTATUS TerminateStatus);
ULONG NTAPI LxPicoWalkUserStack(_In_ struct _KTRAP_FRAME *TrapFrame,
                                _Out_writes_(FrameCount) PVOID *Callers,
                                _In_ ULONG FrameCount);
NTSTATUS NTAPI LxPicoGetAllocatedProcessImageName(_In_ PEPROCESS Process,
                                                  _Outptr_ PUNICODE_STRING *ImageName);

#endif /* _LXENTRY_H_ */
