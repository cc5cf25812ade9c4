/*
 * PROJECT:     lxss for ReactOS - lxcore.sys
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     ELF loader: reads a static i386 ELF file, validates and plans it with
 *              lxcore/core, creates the pico process, copies the PT_LOAD segments into private
 *              memory (NT views are 64 KiB granular, ELF segments are not), builds the initial
 *              stack and starts the first thread
 */

#include "lxkernel.h"

#define NDEBUG
#include <debug.h>

/* Opens a program file for reading; its size in *Size. Returns 0 or -errno. */
static
LONG
LxOpenImageFile(
    _In_ PUNICODE_STRING ImagePath,
    _Out_ PHANDLE FileHandle,
    _Out_ PLONGLONG Size)
{
    OBJECT_ATTRIBUTES ObjectAttributes;
    FILE_STANDARD_INFORMATION Standard;
    IO_STATUS_BLOCK IoStatus;
    NTSTATUS Status;

    *FileHandle = NULL;
    *Size = 0;
    InitializeObjectAttributes(&ObjectAttributes,
                               ImagePath,
                               OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE,
                               NULL,
                               NULL);
    Status = LxCreateFileChecked(FileHandle,
                                 GENERIC_READ | SYNCHRONIZE,
                                 &ObjectAttributes,
                                 &IoStatus,
                                 0,
                                 FILE_SHARE_READ | FILE_SHARE_DELETE,
                                 FILE_OPEN,
                                 FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT);
    if (Status == STATUS_FILE_IS_A_DIRECTORY)
        return -LX_EACCES;      /* Linux's open_exec of a directory */
    if (!NT_SUCCESS(Status))
        return LxStatusToErrno(Status);

    Status = ZwQueryInformationFile(*FileHandle,
                                    &IoStatus,
                                    &Standard,
                                    sizeof(Standard),
                                    FileStandardInformation);
    if (!NT_SUCCESS(Status))
    {
        ZwClose(*FileHandle);
        *FileHandle = NULL;
        return LxStatusToErrno(Status);
    }
    *Size = Standard.EndOfFile.QuadPart;
    return 0;
}

/* The first LX_SCRIPT_HEAD bytes of a program file, zero-filled past its end (what execve
 * looks at for "#!"). Returns 0 or -errno. */
LONG
LxReadImageHead(
    _In_ PUNICODE_STRING ImagePath,
    _Out_writes_(LX_SCRIPT_HEAD) PCHAR Head)
{
    IO_STATUS_BLOCK IoStatus;
    LARGE_INTEGER Offset;
    HANDLE FileHandle;
    LONGLONG Size;
    NTSTATUS Status;
    LONG Result;

    RtlZeroMemory(Head, LX_SCRIPT_HEAD);
    Result = LxOpenImageFile(ImagePath, &FileHandle, &Size);
    if (Result < 0)
        return Result;
    Offset.QuadPart = 0;
    Status = ZwReadFile(FileHandle, NULL, NULL, NULL, &IoStatus, Head,
                        (ULONG)min(Size, LX_SCRIPT_HEAD), &Offset, NULL);
    ZwClose(FileHandle);
    if (!NT_SUCCESS(Status) && Status != STATUS_END_OF_FILE)
        return LxStatusToErrno(Status);
    return 0;
}

/* Reads the whole file into paged pool. Returns 0 or -errno. */
LONG
LxReadImageFile(
    _In_ PUNICODE_STRING ImagePath,
    _Out_ PUCHAR *Image,
    _Out_ PULONG ImageSize)
{
    IO_STATUS_BLOCK IoStatus;
    LARGE_INTEGER Offset;
    HANDLE FileHandle;
    LONGLONG FileSize;
    PUCHAR Buffer;
    ULONG Size, Done = 0;
    NTSTATUS Status = STATUS_SUCCESS;
    LONG Result;

    *Image = NULL;
    *ImageSize = 0;
    Result = LxOpenImageFile(ImagePath, &FileHandle, &FileSize);
    if (Result < 0)
        return Result;
    if (FileSize < LX_ELF32_EHDR_SIZE)
    {
        ZwClose(FileHandle);
        return -LX_ENOEXEC;
    }
    if (FileSize > LX_MAX_IMAGE_FILE_SIZE)
    {
        ZwClose(FileHandle);
        return -LX_ENOMEM;
    }
    Size = (ULONG)FileSize;

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

/* A random number of 64 KiB steps, below LX_ELF_RANDOM_SLOTS: where an ET_DYN image goes
 * moves at every exec, as Linux's ASLR moves PIE programs and ld.so (8 bits, as its 32-bit
 * mmap randomisation) */
static
ULONG
LxRandomSlide(VOID)
{
    UCHAR Random;

    LxGetRandomBytes(&Random, sizeof(Random));
    return (ULONG)(Random % LX_ELF_RANDOM_SLOTS) * LX_ALLOC_GRANULARITY;
}

/* A dynamic program's interpreter (its PT_INTERP path, a Linux path resolved in the process's
 * root as open_exec does): read and planned at LX_ELF_INTERP_BASE */
static
LONG
LxPrepareInterpreter(
    _In_ PLX_PROCESS LxProcess,
    _Inout_ PLX_PREPARED_IMAGE Prepared)
{
    const lx_load_plan *Plan = Prepared->Plan;
    UNICODE_STRING NtPath = { 0 };
    PCHAR Resolved;
    LONG Result;

    Resolved = ExAllocatePoolWithTag(PagedPool, LX_PATH_MAX, LX_TAG_TEMP);
    if (Resolved == NULL)
        return -LX_ENOMEM;
    Result = LxWalkPath(LxProcess, LxProcess->Cwd, (PCSTR)Prepared->Image + Plan->interp_offset,
                        TRUE, Resolved, NULL);
    if (Result >= 0)
        Result = LxNtPathOf(LxProcess, Resolved, &NtPath);
    if (Result >= 0)
        RtlStringCbCopyA(Prepared->InterpName, sizeof(Prepared->InterpName), Resolved);
    ExFreePoolWithTag(Resolved, LX_TAG_TEMP);
    if (Result < 0)
        return Result;
    Result = LxReadImageFile(&NtPath, &Prepared->InterpImage, &Prepared->InterpImageSize);
    ExFreePoolWithTag(NtPath.Buffer, LX_TAG_TEMP);
    if (Result < 0)
        return Result;

    Prepared->InterpPlan = ExAllocatePoolWithTag(PagedPool, sizeof(*Prepared->InterpPlan),
                                                 LX_TAG_TEMP);
    if (Prepared->InterpPlan == NULL)
        return -LX_ENOMEM;
    Result = lx_elf_plan(Prepared->InterpImage, Prepared->InterpImageSize,
                         LX_ELF_INTERP_BASE - LxRandomSlide(), Prepared->InterpPlan);
    if (Result < 0)
        return -LX_ELIBBAD;     /* not an i386 ELF interpreter, as Linux says */
    /* an ET_EXEC interpreter goes where it says. Over the program's image (a program that
     * names itself), Linux maps it over the program's pages (MAP_FIXED): its segments are
     * copied over the program's. Anywhere else over the program or its brk area: -ENOMEM. */
    if (Prepared->InterpPlan->reserve_start < Plan->reserve_end + LX_BRK_RESERVE &&
        Plan->reserve_start < Prepared->InterpPlan->reserve_end)
    {
        if (Prepared->InterpPlan->reserve_start < Plan->reserve_start ||
            Prepared->InterpPlan->reserve_end > Plan->reserve_end)
            return -LX_ENOMEM;
        Prepared->InterpOverImage = TRUE;
    }
    return 0;
}

/* Everything about a program that can be prepared before its process is touched: the file,
 * its load plan and its initial stack contents (AT_UID.. and AT_SECURE from Cred, the ids
 * the program will run with). Frees nothing on success; see LxFreePreparedImage. */
LONG
LxPrepareImage(
    _In_ PLX_PROCESS LxProcess,
    _In_ PUNICODE_STRING ImagePath,
    _In_ ULONG ArgumentCount, _In_ const CHAR *const *Arguments,
    _In_ ULONG EnvironmentCount, _In_ const CHAR *const *Environment,
    _In_ PCSTR ExecFn,
    _In_ const LX_CRED *Cred,
    _Out_ PLX_PREPARED_IMAGE Prepared)
{
    lx_stack_params StackParams;
    UCHAR Random[16];
    LONG Result;

    PAGED_CODE();

    RtlZeroMemory(Prepared, sizeof(*Prepared));
    Result = LxReadImageFile(ImagePath, &Prepared->Image, &Prepared->ImageSize);
    if (Result < 0)
        return Result;

    Prepared->Plan = ExAllocatePoolWithTag(PagedPool, sizeof(*Prepared->Plan), LX_TAG_TEMP);
    if (Prepared->Plan == NULL)
    {
        Result = -LX_ENOMEM;
        goto Fail;
    }
    Result = lx_elf_plan(Prepared->Image, Prepared->ImageSize,
                         LX_ELF_DEFAULT_DYN_BASE + LxRandomSlide(), Prepared->Plan);
    if (Result < 0)
        goto Fail;
    Prepared->Entry = Prepared->Plan->entry;
    if (Prepared->Plan->interp_size != 0)
    {
        Result = LxPrepareInterpreter(LxProcess, Prepared);
        if (Result < 0)
            goto Fail;
        Prepared->Entry = Prepared->InterpPlan->entry;
    }

    /* The stack contents are built in pool first (strings, pointers, auxv), then copied. */
    Prepared->StackBufferSize = LX_MAX_ARGUMENT_BYTES + 4096;
    Prepared->StackBuffer = ExAllocatePoolWithTag(PagedPool, Prepared->StackBufferSize,
                                                  LX_TAG_TEMP);
    if (Prepared->StackBuffer == NULL)
    {
        Result = -LX_ENOMEM;
        goto Fail;
    }
    /* ASLR of the stack: its reservation's top, then where the strings end below it */
    LxGetRandomBytes(Random, 2);
    Prepared->StackTop = LX_STACK_TOP - (Random[0] % LX_STACK_RANDOM_SLOTS) * LX_ALLOC_GRANULARITY;
    Prepared->StackDataTop = Prepared->StackTop - (Random[1] % 16) * PAGE_SIZE;
    LxGetRandomBytes(Random, sizeof(Random));
    RtlZeroMemory(&StackParams, sizeof(StackParams));
    StackParams.argc = ArgumentCount;
    StackParams.argv = (const char *const *)Arguments;
    StackParams.envc = EnvironmentCount;
    StackParams.envp = (const char *const *)Environment;
    StackParams.execfn = ExecFn;
    StackParams.random16 = Random;
    StackParams.phdr_addr = Prepared->Plan->phdr_addr;
    StackParams.phdr_copy = Prepared->Plan->phdr_addr ? NULL :
                            Prepared->Image + Prepared->Plan->phdr_offset;
    StackParams.phent = Prepared->Plan->phent;
    StackParams.phnum = Prepared->Plan->phnum;
    StackParams.base = Prepared->InterpPlan ? Prepared->InterpPlan->bias : 0;    /* AT_BASE */
    StackParams.entry = Prepared->Plan->entry;                                      /* AT_ENTRY */
    StackParams.uid = Cred->User.real;
    StackParams.euid = Cred->User.effective;
    StackParams.gid = Cred->Group.real;
    StackParams.egid = Cred->Group.effective;
    /* a set-user-ID or set-group-ID program: the C library's secure mode (no LD_*) */
    StackParams.secure = Cred->User.effective != Cred->User.real ||
                         Cred->Group.effective != Cred->Group.real;
    StackParams.hwcap = LxGetHwcap();
    StackParams.clktck = 100;
    Result = lx_stack_build(&StackParams, Prepared->StackBuffer, Prepared->StackBufferSize,
                            Prepared->StackDataTop, &Prepared->Stack);
    if (Result < 0)
        goto Fail;
    return 0;

Fail:
    LxFreePreparedImage(Prepared);
    return Result;
}

VOID
LxFreePreparedImage(
    _Inout_ PLX_PREPARED_IMAGE Prepared)
{
    if (Prepared->StackBuffer)
        ExFreePoolWithTag(Prepared->StackBuffer, LX_TAG_TEMP);
    if (Prepared->Plan)
        ExFreePoolWithTag(Prepared->Plan, LX_TAG_TEMP);
    if (Prepared->Image)
        ExFreePoolWithTag(Prepared->Image, LX_TAG_IMAGE);
    if (Prepared->InterpPlan)
        ExFreePoolWithTag(Prepared->InterpPlan, LX_TAG_TEMP);
    if (Prepared->InterpImage)
        ExFreePoolWithTag(Prepared->InterpImage, LX_TAG_IMAGE);
    RtlZeroMemory(Prepared, sizeof(*Prepared));
}

/* Copies an image's segments (in the process's address space). Freshly committed pages are
 * zero: bss needs no explicit clearing, and a page shared with the next segment must not be
 * cleared after its copy. */
static
VOID
LxCopySegments(
    _In_ const lx_load_plan *Plan,
    _In_ const UCHAR *Image)
{
    ULONG i;

    for (i = 0; i < Plan->nsegments; i++)
    {
        const lx_load_segment *Segment = &Plan->segments[i];

        if (Segment->file_size != 0)
        {
            RtlCopyMemory((PVOID)(ULONG_PTR)Segment->vaddr, Image + Segment->file_offset,
                          Segment->file_size);
        }
    }
}

/* Final protections, page range by page range (re-committing changes protection) */
static
LONG
LxProtectImage(
    _In_ HANDLE ProcessHandle,
    _In_ const lx_load_plan *Plan)
{
    NTSTATUS Status;
    ULONG i;

    for (i = 0; i < Plan->nprot; i++)
    {
        PVOID Base = (PVOID)(ULONG_PTR)Plan->prot[i].start;
        SIZE_T Size = Plan->prot[i].end - Plan->prot[i].start;

        Status = ZwAllocateVirtualMemory(ProcessHandle, &Base, 0, &Size, MEM_COMMIT,
                                         LxNtProtection(Plan->prot[i].prot));
        if (!NT_SUCCESS(Status))
        {
            DbgPrint("lxss: protecting %p+%lx failed, status 0x%08lx\n", Base, Size, Status);
            return -LX_ENOMEM;
        }
    }
    return 0;
}

/* Reserves and commits the address space of a prepared image (and its interpreter) in
 * LxProcess (through ProcessHandle), copies the segments and the stack (attached to the
 * process unless it is the current one) and sets the final protections. */
LONG
LxPopulateAddressSpace(
    _In_ PLX_PROCESS LxProcess,
    _In_ HANDLE ProcessHandle,
    _In_ BOOLEAN Attach,
    _In_ PLX_PREPARED_IMAGE Prepared)
{
    const lx_load_plan *Plan = Prepared->Plan;
    KAPC_STATE ApcState;
    LONG Result;

    Result = LxMmInitializeProcess(LxProcess, ProcessHandle, Plan, Prepared->StackTop);
    if (Result < 0)
        return Result;
    LxProcess->Layout.ArgStart = Prepared->Stack.arg_start;
    LxProcess->Layout.ArgEnd = Prepared->Stack.arg_end;
    LxProcess->Layout.EnvStart = Prepared->Stack.env_start;
    LxProcess->Layout.EnvEnd = Prepared->Stack.env_end;
    RtlCopyMemory(LxProcess->Layout.Auxv,
                  Prepared->StackBuffer + Prepared->StackBufferSize -
                  (Prepared->StackDataTop - Prepared->Stack.auxv_addr),
                  sizeof(LxProcess->Layout.Auxv));
    if (Prepared->InterpPlan != NULL && Prepared->InterpOverImage)
    {
        /* inside the image's reservation: its pages committed for the copy over the program */
        if (!NT_SUCCESS(LxVmOperation(ProcessHandle, Prepared->InterpPlan->image_start,
                                      Prepared->InterpPlan->image_end -
                                          Prepared->InterpPlan->image_start,
                                      MEM_COMMIT, PAGE_READWRITE)))
            return -LX_ENOMEM;
    }
    else if (Prepared->InterpPlan != NULL)
    {
        Result = LxMmReserveInterpreter(LxProcess, ProcessHandle, Prepared->InterpName,
                                        Prepared->InterpPlan);
        if (Result < 0)
            return Result;
    }

    if (Attach)
        KeStackAttachProcess((PKPROCESS)LxProcess->Process, &ApcState);
    _SEH2_TRY
    {
        LxCopySegments(Plan, Prepared->Image);
        if (Prepared->InterpPlan != NULL)
            LxCopySegments(Prepared->InterpPlan, Prepared->InterpImage);
        RtlCopyMemory((PVOID)(ULONG_PTR)Prepared->Stack.esp,
                      Prepared->StackBuffer + Prepared->StackBufferSize - Prepared->Stack.used,
                      Prepared->Stack.used);
    }
    _SEH2_EXCEPT(EXCEPTION_EXECUTE_HANDLER)
    {
        Result = -LX_ENOMEM;
    }
    _SEH2_END;
    if (Attach)
        KeUnstackDetachProcess(&ApcState);
    if (Result < 0)
        return Result;

    Result = LxProtectImage(ProcessHandle, Plan);
    if (Result == 0 && Prepared->InterpPlan != NULL)
        Result = LxProtectImage(ProcessHandle, Prepared->InterpPlan);
    return Result;
}

LONG
LxLoadElf(
    _In_ PLX_PROCESS LxProcess,
    _In_ PUNICODE_STRING ImagePath,
    _In_ ULONG ArgumentCount, _In_ const CHAR *const *Arguments,
    _In_ ULONG EnvironmentCount, _In_ const CHAR *const *Environment,
    _In_ PCSTR ExecFn,
    _In_ HANDLE Token)
{
    PS_PICO_PROCESS_ATTRIBUTES ProcessAttributes;
    PS_PICO_THREAD_ATTRIBUTES ThreadAttributes;
    PS_PICO_CREATE_INFO CreateInfo;
    LX_PREPARED_IMAGE Prepared;
    UNICODE_STRING BaseName;
    HANDLE ProcessHandle = NULL;
    PLX_THREAD Thread = NULL;
    NTSTATUS Status;
    LONG Result;

    PAGED_CODE();

    Result = LxPrepareImage(LxProcess, ImagePath, ArgumentCount, Arguments, EnvironmentCount,
                            Environment, ExecFn, &LxProcess->Cred, &Prepared);
    if (Result < 0)
        return Result;

    /* The pico process: an address space with nothing in it */
    RtlZeroMemory(&ProcessAttributes, sizeof(ProcessAttributes));
    ProcessAttributes.Context = LxProcess;
    ProcessAttributes.Token = Token;    /* the requester's: see nt/security.c */
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

    Result = LxPopulateAddressSpace(LxProcess, ProcessHandle, TRUE, &Prepared);
    if (Result < 0)
        goto Cleanup;

    /* The initial thread: its Linux tid is the pid */
    Thread = LxAllocateThreadBlock();
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
    ThreadAttributes.UserStack = Prepared.Stack.esp;
    ThreadAttributes.StartRoutine = Prepared.Entry;
    ThreadAttributes.Context = Thread;
    LxRegisterThread(Thread);
    /* i386 ELF entry: EDX = a function for atexit (none), everything else zero; Linux's
     * initial FPU state */
    Status = LxStartThread(&ThreadAttributes, FALSE);
    if (!NT_SUCCESS(Status))
    {
        LxUnregisterThread(Thread);
        DbgPrint("lxss: PS_PICO_ROUTINES.CreateThread failed, status 0x%08lx\n", Status);
        InterlockedDecrement(&LxProcess->ThreadCount);
        LxDereferenceProcess(LxProcess);
        LxDereferenceProcess(LxProcess);
        LxFreeThreadBlock(Thread);
        Result = -LX_ENOMEM;
        goto Cleanup;
    }
    DbgPrint("lxss: process %lu started: %wZ, entry 0x%08lx, esp 0x%08lx\n",
             LxProcess->Pid, ImagePath, Prepared.Entry, Prepared.Stack.esp);
    Result = 0;

Cleanup:
    if (ProcessHandle != NULL)
        ZwClose(ProcessHandle);
    LxFreePreparedImage(&Prepared);
    return Result;
}
