/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     ELF loader: reads a static i386 ELF file, validates and plans it with
 *              lxcore/core, creates the pico process, copies the PT_LOAD segments into private
 *              memory (NT views are 64 KiB granular, ELF segments are not), builds the initial
 *              stack and starts the first thread
 */

#include "lxp.h"

#define NDEBUG
#include <debug.h>

/* Reads the whole file into paged pool. Returns 0 or -errno. */
static
LONG
LxReadImageFile(
    _In_ PUNICODE_STRING ImagePath,
    _Out_ PUCHAR *Image,
    _Out_ PULONG ImageSize)
{
    OBJECT_ATTRIBUTES ObjectAttributes;
    FILE_STANDARD_INFORMATION Standard;
    IO_STATUS_BLOCK IoStatus;
    LARGE_INTEGER Offset;
    HANDLE FileHandle;
    PUCHAR Buffer;
    ULONG Size, Done = 0;
    NTSTATUS Status;

    *Image = NULL;
    *ImageSize = 0;

    InitializeObjectAttributes(&ObjectAttributes,
                               ImagePath,
                               OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE,
                               NULL,
                               NULL);
    Status = ZwCreateFile(&FileHandle,
                          GENERIC_READ | SYNCHRONIZE,
                          &ObjectAttributes,
                          &IoStatus,
                          NULL,
                          0,
                          FILE_SHARE_READ | FILE_SHARE_DELETE,
                          FILE_OPEN,
                          FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT,
                          NULL,
                          0);
    if (!NT_SUCCESS(Status))
        return LxStatusToErrno(Status);

    Status = ZwQueryInformationFile(FileHandle,
                                    &IoStatus,
                                    &Standard,
                                    sizeof(Standard),
                                    FileStandardInformation);
    if (!NT_SUCCESS(Status))
    {
        ZwClose(FileHandle);
        return LxStatusToErrno(Status);
    }
    if (Standard.EndOfFile.QuadPart < LX_ELF32_EHDR_SIZE)
    {
        ZwClose(FileHandle);
        return -LX_ENOEXEC;
    }
    if (Standard.EndOfFile.QuadPart > LX_MAX_IMAGE_FILE_SIZE)
    {
        ZwClose(FileHandle);
        return -LX_ENOMEM;
    }
    Size = (ULONG)Standard.EndOfFile.QuadPart;

    Buffer = ExAllocatePoolWithTag(PagedPool, Size, LX_TAG_IMAGE);
    if (Buffer == NULL)
    {
        ZwClose(FileHandle);
        return -LX_ENOMEM;
    }
    while (Done < Size)
    {
        Offset.QuadPart = Done;
        Status = ZwReadFile(FileHandle, NULL, NULL, NULL, &IoStatus, Buffer + Done,
                            Size - Done, &Offset, NULL);
        if (!NT_SUCCESS(Status) || IoStatus.Information == 0)
            break;
        Done += (ULONG)IoStatus.Information;
    }
    ZwClose(FileHandle);
    if (Done != Size)
    {
        ExFreePoolWithTag(Buffer, LX_TAG_IMAGE);
        return NT_SUCCESS(Status) ? -LX_EIO : LxStatusToErrno(Status);
    }
    *Image = Buffer;
    *ImageSize = Size;
    return 0;
}

/* hwcap for AT_HWCAP: CPUID.1:EDX, as Linux reports on i386 */
static
ULONG
LxGetHwcap(VOID)
{
    int Regs[4];

    __cpuid(Regs, 1);
    return (ULONG)Regs[3];
}

/* The last component of an NT path, for the process image name */
static
VOID
LxImageBaseName(
    _In_ PUNICODE_STRING Path,
    _Out_ PUNICODE_STRING Name)
{
    USHORT i = Path->Length / sizeof(WCHAR);

    while (i > 0 && Path->Buffer[i - 1] != L'\\')
        i--;
    Name->Buffer = Path->Buffer + i;
    Name->Length = Name->MaximumLength = Path->Length - i * sizeof(WCHAR);
}

LONG
LxLoadElf(
    _In_ PLX_PROCESS LxProcess,
    _In_ PUNICODE_STRING ImagePath,
    _In_ ULONG ArgumentCount, _In_ const CHAR *const *Arguments,
    _In_ ULONG EnvironmentCount, _In_ const CHAR *const *Environment,
    _In_ PCSTR ExecFn)
{
    PS_PICO_PROCESS_ATTRIBUTES ProcessAttributes;
    PS_PICO_THREAD_ATTRIBUTES ThreadAttributes;
    PS_PICO_CREATE_INFO CreateInfo;
    UNICODE_STRING BaseName;
    HANDLE ProcessHandle = NULL, ThreadHandle = NULL;
    PUCHAR Image = NULL, StackBuffer = NULL;
    ULONG ImageSize = 0, StackBufferSize, i;
    lx_load_plan *Plan = NULL;
    lx_stack_params StackParams;
    lx_stack_result StackResult;
    UCHAR Random[16];
    KAPC_STATE ApcState;
    PLX_THREAD Thread = NULL;
    NTSTATUS Status;
    LONG Result;

    PAGED_CODE();

    Result = LxReadImageFile(ImagePath, &Image, &ImageSize);
    if (Result < 0)
        return Result;

    Plan = ExAllocatePoolWithTag(PagedPool, sizeof(*Plan), LX_TAG_TEMP);
    if (Plan == NULL)
    {
        Result = -LX_ENOMEM;
        goto Cleanup;
    }
    Result = lx_elf_plan(Image, ImageSize, 0, Plan);
    if (Result < 0)
        goto Cleanup;

    /* The stack contents are built in pool first (strings, pointers, auxv), then copied. */
    StackBufferSize = LX_MAX_ARGUMENT_BYTES + 4096;
    StackBuffer = ExAllocatePoolWithTag(PagedPool, StackBufferSize, LX_TAG_TEMP);
    if (StackBuffer == NULL)
    {
        Result = -LX_ENOMEM;
        goto Cleanup;
    }
    LxGetRandomBytes(Random, sizeof(Random));
    RtlZeroMemory(&StackParams, sizeof(StackParams));
    StackParams.argc = ArgumentCount;
    StackParams.argv = (const char *const *)Arguments;
    StackParams.envc = EnvironmentCount;
    StackParams.envp = (const char *const *)Environment;
    StackParams.execfn = ExecFn;
    StackParams.random16 = Random;
    StackParams.phdr_addr = Plan->phdr_addr;
    StackParams.phdr_copy = Plan->phdr_addr ? NULL : Image + Plan->phdr_offset;
    StackParams.phent = Plan->phent;
    StackParams.phnum = Plan->phnum;
    StackParams.base = 0;
    StackParams.entry = Plan->entry;
    StackParams.uid = StackParams.euid = LxProcess->Uid;
    StackParams.gid = StackParams.egid = LxProcess->Gid;
    StackParams.hwcap = LxGetHwcap();
    StackParams.clktck = 100;
    Result = lx_stack_build(&StackParams, StackBuffer, StackBufferSize, LX_STACK_TOP,
                            &StackResult);
    if (Result < 0)
        goto Cleanup;

    /* The pico process: an address space with nothing in it */
    RtlZeroMemory(&ProcessAttributes, sizeof(ProcessAttributes));
    ProcessAttributes.Context = LxProcess;
    LxImageBaseName(ImagePath, &BaseName);
    RtlZeroMemory(&CreateInfo, sizeof(CreateInfo));
    CreateInfo.ImageFileName = &BaseName;
    Status = LxPicoRoutines.CreateProcess(&ProcessAttributes, &CreateInfo, &ProcessHandle);
    if (!NT_SUCCESS(Status))
    {
        DbgPrint("lxss: PS_PICO_ROUTINES.CreateProcess failed, status 0x%08lx\n", Status);
        Result = LxStatusToErrno(Status);
        if (Result == 0)
            Result = -LX_ENOMEM;
        ProcessHandle = NULL;
        goto Cleanup;
    }
    Status = ObReferenceObjectByHandle(ProcessHandle,
                                       PROCESS_ALL_ACCESS,
                                       *PsProcessType,
                                       KernelMode,
                                       (PVOID *)&LxProcess->Process,
                                       NULL);
    if (!NT_SUCCESS(Status))
    {
        LxProcess->Process = NULL;
        Result = -LX_ENOMEM;
        goto Cleanup;
    }
    LxProcess->NtProcessId = PsGetProcessId(LxProcess->Process);

    /* Reservations and commits (image, brk area, stack) */
    Result = LxMmInitializeProcess(LxProcess, ProcessHandle, Plan);
    if (Result < 0)
        goto Cleanup;

    /* Copy the segments and the stack while attached to the new address space */
    Result = 0;
    KeStackAttachProcess((PKPROCESS)LxProcess->Process, &ApcState);
    _SEH2_TRY
    {
        for (i = 0; i < Plan->nsegments; i++)
        {
            const lx_load_segment *Segment = &Plan->segments[i];

            /* Freshly committed pages are zero: bss needs no explicit clearing, and a
             * page shared with the next segment must not be cleared after its copy. */
            if (Segment->file_size != 0)
            {
                RtlCopyMemory((PVOID)(ULONG_PTR)Segment->vaddr,
                              Image + Segment->file_offset,
                              Segment->file_size);
            }
        }
        RtlCopyMemory((PVOID)(ULONG_PTR)StackResult.esp,
                      StackBuffer + StackBufferSize - StackResult.used,
                      StackResult.used);
    }
    _SEH2_EXCEPT(EXCEPTION_EXECUTE_HANDLER)
    {
        Result = -LX_ENOMEM;
    }
    _SEH2_END;
    KeUnstackDetachProcess(&ApcState);
    if (Result < 0)
        goto Cleanup;

    /* Final protections, page range by page range (re-committing changes protection) */
    for (i = 0; i < Plan->nprot; i++)
    {
        PVOID Base = (PVOID)(ULONG_PTR)Plan->prot[i].start;
        SIZE_T Size = Plan->prot[i].end - Plan->prot[i].start;

        Status = ZwAllocateVirtualMemory(ProcessHandle, &Base, 0, &Size, MEM_COMMIT,
                                         LxNtProtection(Plan->prot[i].prot));
        if (!NT_SUCCESS(Status))
        {
            DbgPrint("lxss: protecting %p+%lx failed, status 0x%08lx\n", Base, Size, Status);
            Result = -LX_ENOMEM;
            goto Cleanup;
        }
    }

    /* The initial thread: its Linux tid is the pid */
    Thread = ExAllocatePoolWithTag(NonPagedPool, sizeof(*Thread), LX_TAG_THREAD);
    if (Thread == NULL)
    {
        Result = -LX_ENOMEM;
        goto Cleanup;
    }
    RtlZeroMemory(Thread, sizeof(*Thread));
    Thread->Process = LxProcess;
    Thread->Tid = LxProcess->Pid;
    LxReferenceProcess(LxProcess);      /* the thread's reference */
    InterlockedIncrement(&LxProcess->ThreadCount);
    LxReferenceProcess(LxProcess);      /* the NT process's, dropped by ExitProcess */

    RtlZeroMemory(&ThreadAttributes, sizeof(ThreadAttributes));
    ThreadAttributes.Process = ProcessHandle;
    ThreadAttributes.UserStack = StackResult.esp;
    ThreadAttributes.StartRoutine = Plan->entry;
    ThreadAttributes.Context = Thread;
    /* i386 ELF entry: EDX = a function for atexit (none), everything else zero */
    Status = LxPicoRoutines.CreateThread(&ThreadAttributes, NULL, &ThreadHandle);
    if (!NT_SUCCESS(Status))
    {
        DbgPrint("lxss: PS_PICO_ROUTINES.CreateThread failed, status 0x%08lx\n", Status);
        InterlockedDecrement(&LxProcess->ThreadCount);
        LxDereferenceProcess(LxProcess);
        LxDereferenceProcess(LxProcess);
        ExFreePoolWithTag(Thread, LX_TAG_THREAD);
        Result = -LX_ENOMEM;
        goto Cleanup;
    }
    ZwClose(ThreadHandle);
    DbgPrint("lxss: process %lu started: %wZ, entry 0x%08lx, esp 0x%08lx\n",
             LxProcess->Pid, ImagePath, Plan->entry, StackResult.esp);
    Result = 0;

Cleanup:
    if (ProcessHandle != NULL)
        ZwClose(ProcessHandle);
    if (StackBuffer)
        ExFreePoolWithTag(StackBuffer, LX_TAG_TEMP);
    if (Plan)
        ExFreePoolWithTag(Plan, LX_TAG_TEMP);
    if (Image)
        ExFreePoolWithTag(Image, LX_TAG_IMAGE);
    return Result;
}
