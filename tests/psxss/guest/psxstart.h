/*
 * PROJECT:     lxss for ReactOS - psxss guest checks
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Starts psxss.exe as a plain native process and connects to it, for a native
 *              client run from BootExecute, before smss can start subsystems on demand
 *              (SmLoadDeferedSubsystem fails there); used by psxprobe.c and
 *              tests/security/lxsectest.c
 */

#ifndef _PSXSTART_H_
#define _PSXSTART_H_

/* Starts \SystemRoot\system32\psxss.exe (standalone, unregistered with smss) */
static NTSTATUS
PsxStartStandalone(VOID)
{
    UNICODE_STRING Image, CmdLine;
    PRTL_USER_PROCESS_PARAMETERS Params;
    RTL_USER_PROCESS_INFORMATION Info;
    NTSTATUS Status;

    RtlInitUnicodeString(&Image, L"\\SystemRoot\\system32\\psxss.exe");
    RtlInitUnicodeString(&CmdLine, L"psxss.exe");
    Status = RtlCreateProcessParameters(&Params, &Image, NULL, NULL, &CmdLine, NULL, NULL, NULL,
                                        NULL, NULL);
    if (!NT_SUCCESS(Status))
        return Status;
    Status = RtlCreateUserProcess(&Image, OBJ_CASE_INSENSITIVE, Params, NULL, NULL, NULL, FALSE,
                                  NULL, NULL, &Info);
    RtlDestroyProcessParameters(Params);
    if (!NT_SUCCESS(Status))
        return Status;
    NtResumeThread(Info.ThreadHandle, NULL);
    NtClose(Info.ThreadHandle);
    NtClose(Info.ProcessHandle);
    return STATUS_SUCCESS;
}

/* Connects to a psxss that is starting: its port may not exist yet (10 s at most) */
static NTSTATUS
PsxConnectStarting(PPSX_CLIENT Client)
{
    LARGE_INTEGER Delay;
    NTSTATUS Status;
    int i;

    Delay.QuadPart = -100 * 10000LL;
    Status = PsxConnect(Client, FALSE, 0);
    for (i = 0; i < 100 && Status == STATUS_OBJECT_NAME_NOT_FOUND; i++)
    {
        NtDelayExecution(FALSE, &Delay);
        Status = PsxConnect(Client, FALSE, 0);
    }
    return Status;
}

#endif /* _PSXSTART_H_ */
