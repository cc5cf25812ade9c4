/*
 * PROJECT:     lxss for ReactOS - native NT baseline for the guest benchmarks
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Measures what a native NT system call costs in the same boot as the Linux
 *              programs, and reports it on the kernel debug port
 *
 * A native program run by smss from Session Manager\BootExecute before the test runner
 * (tests/bench/guest-syscall.ts puts it there with `lxgen test --inf`). For each service it
 * makes NTBENCH_CALLS calls, NTBENCH_ROUNDS times, and prints one line per round:
 *     NTBENCH: <service> <mean ns per call, one decimal>
 * Services: NtTestAlert (the cheapest round trip through int $0x2e and KiSystemService, what
 * getpid through lxcore is compared with) and NtQueryInformationProcess(ProcessBasicInformation)
 * (a call that copies a structure out, as most Linux calls do). Time comes from
 * NtQueryPerformanceCounter. Then it returns and smss goes on with the next BootExecute entry.
 */

#define WIN32_NO_STATUS
#include <windef.h>
#include <winbase.h>
#define NTOS_MODE_USER
#include <ndk/kefuncs.h>
#include <ndk/psfuncs.h>
#include <ndk/rtlfuncs.h>

#define NTBENCH_CALLS   100000
#define NTBENCH_ROUNDS  3

typedef NTSTATUS (*PNTBENCH_CALL)(VOID);

static NTSTATUS
CallTestAlert(VOID)
{
    return NtTestAlert();
}

static NTSTATUS
CallQueryProcess(VOID)
{
    PROCESS_BASIC_INFORMATION Info;

    return NtQueryInformationProcess(NtCurrentProcess(), ProcessBasicInformation, &Info, sizeof(Info), NULL);
}

static VOID
Measure(PCSTR Name, PNTBENCH_CALL Call)
{
    LARGE_INTEGER Start, End, Frequency;
    ULONGLONG TotalNs, TenthsPerCall;
    ULONG Round, i;
    NTSTATUS Status;

    Status = Call();
    if (!NT_SUCCESS(Status))
    {
        DbgPrint("NTBENCH: %s failed, status 0x%08lx\n", Name, Status);
        return;
    }

    for (Round = 0; Round < NTBENCH_ROUNDS; Round++)
    {
        NtQueryPerformanceCounter(&Start, &Frequency);
        for (i = 0; i < NTBENCH_CALLS; i++)
            Call();
        NtQueryPerformanceCounter(&End, NULL);

        TotalNs = (ULONGLONG)(End.QuadPart - Start.QuadPart) * 1000000000ULL / (ULONGLONG)Frequency.QuadPart;
        TenthsPerCall = TotalNs * 10 / NTBENCH_CALLS;
        DbgPrint("NTBENCH: %s %I64u.%I64u\n", Name, TenthsPerCall / 10, TenthsPerCall % 10);
    }
}

int
__cdecl
_main(int argc, char *argv[], char *envp[], ULONG DebugFlag)
{
    UNREFERENCED_PARAMETER(argc);
    UNREFERENCED_PARAMETER(argv);
    UNREFERENCED_PARAMETER(envp);
    UNREFERENCED_PARAMETER(DebugFlag);

    DbgPrint("NTBENCH: start, %lu calls x %lu rounds per service\n", NTBENCH_CALLS, NTBENCH_ROUNDS);
    Measure("NtTestAlert", CallTestAlert);
    Measure("NtQueryInformationProcess", CallQueryProcess);
    DbgPrint("NTBENCH: done\n");
    return 0;
}

/* EOF */
