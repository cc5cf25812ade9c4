/*
 * PROJECT:     lxss for ReactOS - psxss
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Builds the IOCTL_LXSS_CREATE_PROCESS input from a launch request
 */

#include <string.h>
#include "lxcreate.h"

static uint32_t
PsxpAlign4(uint32_t Value)
{
    return (Value + 3u) & ~3u;
}

uint32_t
PsxCreateInputSize(const PSX_LAUNCH *Launch)
{
    const PSX_REQUEST_VIEW *Request = Launch->Request;
    uint64_t Size = sizeof(LXSS_CREATE_PROCESS_IN);

    Size += PsxpAlign4(Launch->RootChars * 2u);
    Size += PsxpAlign4(Launch->ImagePathChars * 2u);
    Size += PsxpAlign4((uint32_t)strlen(Request->Cwd) + 1u);
    Size += PsxpAlign4((uint32_t)strlen(Request->Program) + 1u);        /* ExecFn */
    if (Launch->ImagePath == NULL || Launch->ImagePathChars == 0)
        Size += PsxpAlign4((uint32_t)strlen(Request->Program) + 1u);    /* ProgramPath */
    Size += PsxpAlign4(Request->ArgumentsLength);
    Size += PsxpAlign4(Request->EnvironmentLength);
    Size += Request->GroupCount * 4u;
    return Size > 0xFFFFFFFFu ? 0 : (uint32_t)Size;
}

static void
PsxpPutBlob(uint8_t *Base,
            uint32_t *Used,
            const void *Data,
            uint32_t Length,
            LXSS_BLOB *Blob)
{
    Blob->Offset = 0;
    Blob->Length = 0;
    if (Length == 0)
        return;

    memcpy(Base + *Used, Data, Length);
    Blob->Offset = *Used;
    Blob->Length = Length;

    /* Keep the next blob 4-byte aligned; the padding is zeroed */
    while (Length & 3u)
    {
        Base[*Used + Length] = 0;
        Length++;
    }
    *Used += Length;
}

int
PsxBuildCreateInput(const PSX_LAUNCH *Launch,
                    void *Buffer,
                    uint32_t Capacity,
                    uint32_t *Written)
{
    const PSX_REQUEST_VIEW *Request = Launch->Request;
    LXSS_CREATE_PROCESS_IN Input;
    uint8_t *Base = Buffer;
    uint32_t Needed = PsxCreateInputSize(Launch);
    uint32_t Used = sizeof(LXSS_CREATE_PROCESS_IN);
    uint32_t HandleMask = 0;
    int Index;
    int Error;

    *Written = 0;
    if (Needed == 0 || Needed > Capacity)
        return PSX_E2BIG;
    if (Launch->RootChars == 0)
        return PSX_EINVAL;
    /* A terminal needs its handles: the emulated one any, the real one its pipes */
    for (Index = 0; Index < 3; Index++)
    {
        if (Launch->StdHandles[Index])
            HandleMask |= 1u << Index;
    }
    Error = PsxCheckTerminalHandles(Request->Flags, HandleMask);
    if (Error != 0)
        return Error;

    memset(&Input, 0, sizeof(Input));
    Input.Size = sizeof(LXSS_CREATE_PROCESS_IN);

    if (Launch->ImagePath != NULL && Launch->ImagePathChars != 0)
        PsxpPutBlob(Base, &Used, Launch->ImagePath, Launch->ImagePathChars * 2u, &Input.ImagePath);
    else
        PsxpPutBlob(Base, &Used, Request->Program, (uint32_t)strlen(Request->Program) + 1u, &Input.ProgramPath);
    PsxpPutBlob(Base, &Used, Launch->Root, Launch->RootChars * 2u, &Input.RootDirectory);
    PsxpPutBlob(Base,
                &Used,
                Request->Cwd,
                (uint32_t)strlen(Request->Cwd) + 1u,
                &Input.CurrentDirectory);
    PsxpPutBlob(Base,
                &Used,
                Request->Program,
                (uint32_t)strlen(Request->Program) + 1u,
                &Input.ExecFn);
    PsxpPutBlob(Base, &Used, Request->Arguments, Request->ArgumentsLength, &Input.Arguments);
    Input.ArgumentCount = Request->ArgumentCount;
    PsxpPutBlob(Base,
                &Used,
                Request->Environment,
                Request->EnvironmentLength,
                &Input.Environment);
    Input.EnvironmentCount = Request->EnvironmentCount;

    for (Index = 0; Index < 3; Index++)
        Input.StdHandles[Index] = Launch->StdHandles[Index];

    if (Request->Flags & PSX_REQUEST_DEBUG_STDIO)
        Input.Flags |= LXSS_CREATE_DEBUG_STDIO;
    if (Request->Flags & PSX_REQUEST_TRACE)
        Input.Flags |= LXSS_CREATE_TRACE;
    if (Request->Flags & PSX_REQUEST_STDIO_TTY)
        Input.Flags |= LXSS_CREATE_STDIO_TTY;
    if (Request->Flags & PSX_REQUEST_TTY_STDIN)
        Input.Flags |= LXSS_CREATE_TTY_STDIN;
    if (Request->Flags & PSX_REQUEST_TTY_STDOUT)
        Input.Flags |= LXSS_CREATE_TTY_STDOUT;
    if (Request->Flags & PSX_REQUEST_TTY_STDERR)
        Input.Flags |= LXSS_CREATE_TTY_STDERR;
    if (Request->Flags & (PSX_REQUEST_STDIO_TTY | PSX_REQUEST_TTY_ANY))
        Input.TerminalSize = ((ULONG)Request->TerminalRows << 16) | Request->TerminalColumns;
    if (Request->Flags & PSX_REQUEST_USER)
    {
        Input.Flags |= LXSS_CREATE_USER;
        Input.Uid = Request->Uid;
        Input.Gid = Request->Gid;
        PsxpPutBlob(Base, &Used, Request->Groups, Request->GroupCount * 4u, &Input.Groups);
    }

    memcpy(Base, &Input, sizeof(Input));
    *Written = Used;
    return 0;
}

uint32_t
PsxExitCodeFromWait(ULONG State,
                    ULONG ExitStatus,
                    ULONG Signal)
{
    if (State == LXSS_PROCESS_EXITED)
        return ExitStatus & 0xFFu;
    if (State == LXSS_PROCESS_KILLED && Signal > 0 && Signal < 128)
        return 128u + Signal;
    return 255u;
}
