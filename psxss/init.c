/*
 * PROJECT:     lxss for ReactOS - psxss
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Entry point: registration with the Session Manager, then the API loop
 *
 * smss starts psxss suspended (Session Manager\SubSystems, Optional = Posix, loaded on demand
 * by SmLoadDeferedSubsystem) and waits until psxss connects to \SmApiPort. So whatever
 * fails here, psxss connects to smss before it gives up: a missing lxcore.sys, a second
 * instance or an SB port failure never leave smss waiting.
 */

/* INCLUDES *******************************************************************/

#include "psxss.h"

/* GLOBALS ********************************************************************/

RTL_CRITICAL_SECTION PsxLock;
LIST_ENTRY PsxClientList;
HANDLE PsxLxcoreDevice;
NTSTATUS PsxLxcoreStatus = STATUS_UNSUCCESSFUL;
HANDLE PsxSmApiPort;

/* FUNCTIONS ******************************************************************/

static
NTSTATUS
PsxConnectToSm(
    _In_ BOOLEAN HaveSbPort)
{
    NTSTATUS Status;

    if (HaveSbPort)
    {
        /* The normal path: smss connects back to our SB port during this call */
        Status = SmConnectToSm(&PsxSbApiPortName,
                               PsxSbApiPort,
                               IMAGE_SUBSYSTEM_POSIX_CUI,
                               &PsxSmApiPort);
        if (NT_SUCCESS(Status))
        {
            PSX_TRACE("connected to smss as the POSIX subsystem (SB port %wZ)\n",
                      &PsxSbApiPortName);
            return Status;
        }
        PSX_TRACE("SmConnectToSm as POSIX subsystem failed: 0x%08lx\n", Status);
    }

    /*
     * A plain client connection still tells smss that the subsystem it launched has
     * connected (smss matches us by client id), so it stops waiting for us.
     */
    Status = SmConnectToSm(NULL, NULL, 0, &PsxSmApiPort);
    if (!NT_SUCCESS(Status))
    {
        /* Not started by smss and no SM port: we can still serve clients */
        PSX_TRACE("SmConnectToSm as client failed: 0x%08lx (running standalone)\n", Status);
        PsxSmApiPort = NULL;
    }
    return Status;
}

NTSTATUS
__cdecl
_main(
    _In_ INT argc,
    _In_ PCHAR argv[],
    _In_ PCHAR envp[],
    _In_ ULONG DebugFlag)
{
    NTSTATUS Status;
    NTSTATUS SbStatus;

    UNREFERENCED_PARAMETER(argc);
    UNREFERENCED_PARAMETER(argv);
    UNREFERENCED_PARAMETER(envp);
    UNREFERENCED_PARAMETER(DebugFlag);

    RtlInitializeCriticalSection(&PsxLock);
    InitializeListHead(&PsxClientList);

    /* lxcore.sys may be missing: psxss still registers and tells clients why it can't run */
    PsxLxcoreStatus = PsxOpenLxcore(&PsxLxcoreDevice);
    if (!NT_SUCCESS(PsxLxcoreStatus))
    {
        PSX_TRACE("cannot open %S: 0x%08lx\n", LXSS_DEVICE_NAME_W, PsxLxcoreStatus);
        PsxLxcoreDevice = NULL;
    }

    /* The SB port and its thread must exist before smss tries to connect back */
    SbStatus = PsxSbApiPortInitialize();
    if (!NT_SUCCESS(SbStatus))
        PSX_TRACE("SB API port initialization failed: 0x%08lx\n", SbStatus);

    /* Create the client port first, so it exists as soon as smss reports us loaded */
    Status = PsxApiPortInitialize();

    /* Register with smss in every case (see the file header) */
    PsxConnectToSm(NT_SUCCESS(SbStatus));

    if (!NT_SUCCESS(Status))
    {
        /* Most likely another psxss already owns \PsxApiPort: let it serve */
        PSX_TRACE("cannot create %S: 0x%08lx, exiting\n", PSX_API_PORT_NAME, Status);
        return Status;
    }

    PSX_TRACE("ready (lxcore 0x%08lx)\n", PsxLxcoreStatus);

    /* Serve clients on this thread forever */
    PsxApiLoop();
    return STATUS_SUCCESS;
}
