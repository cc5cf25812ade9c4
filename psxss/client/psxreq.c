/*
 * PROJECT:     lxss for ReactOS - psxss
 * LICENSE:     LGPL-2.1-or-later (https://spdx.org/licenses/LGPL-2.1-or-later)
 * PURPOSE:     Launch request packing, validation and Linux path resolution (portable C99)
 */

#include <string.h>
#include "psxreq.h"

/* L"\\SystemRoot\\lxss\\rootfs" spelled as UTF-16 units, so no wchar_t size assumption */
const uint16_t PsxDefaultRoot[] =
{
    '\\', 'S', 'y', 's', 't', 'e', 'm', 'R', 'o', 'o', 't',
    '\\', 'l', 'x', 's', 's', '\\', 'r', 'o', 'o', 't', 'f', 's', 0
};
const uint32_t PsxDefaultRootChars = 23;

/* Flags valid in a minor version. */
static uint32_t
PsxpValidFlags(uint32_t MinorVersion)
{
    switch (MinorVersion)
    {
        case 0:
            return PSX_REQUEST_VALID_FLAGS_0;
        case 1:
            return PSX_REQUEST_VALID_FLAGS_1;
        case 2:
            return PSX_REQUEST_VALID_FLAGS_2;
        case 3:
            return PSX_REQUEST_VALID_FLAGS_3;
        default:
            return PSX_REQUEST_VALID_FLAGS;
    }
}

/* The terminal fields: a size exactly when a terminal is asked for (PSX_REQUEST_STDIO_TTY or
 * a PSX_REQUEST_TTY_* flag), a terminal not together with debug stdio (the kernel debug
 * output is no terminal), and the emulated terminal not together with the real one (they
 * are two ways of making the same fds a terminal). */
static int
PsxpCheckTerminal(uint32_t Flags,
                  uint32_t Rows,
                  uint32_t Columns)
{
    if ((Flags & (PSX_REQUEST_STDIO_TTY | PSX_REQUEST_TTY_ANY)) == 0)
        return (Rows == 0 && Columns == 0) ? 0 : PSX_EINVAL;
    if ((Flags & PSX_REQUEST_DEBUG_STDIO) ||
        ((Flags & PSX_REQUEST_STDIO_TTY) && (Flags & PSX_REQUEST_TTY_ANY)))
    {
        return PSX_ENOTTY;
    }
    if (Rows == 0 || Columns == 0 ||
        Rows > PSX_MAX_TERMINAL_SIZE || Columns > PSX_MAX_TERMINAL_SIZE)
    {
        return PSX_EINVAL;
    }
    return 0;
}

int
PsxCheckTerminalHandles(uint32_t Flags,
                        uint32_t HandleMask)
{
    /* Something must be the emulated terminal (lxcore marks the open fds 0-2 alike) */
    if ((Flags & PSX_REQUEST_STDIO_TTY) && (HandleMask & 7u) == 0)
        return PSX_ENOTTY;
    /* The real one: the keys come from fd 0's pipe, the screen goes to fd 1's, else fd 2's */
    if ((Flags & PSX_REQUEST_TTY_STDIN) && !(HandleMask & 1u))
        return PSX_ENOTTY;
    if ((Flags & PSX_REQUEST_TTY_STDOUT) && !(HandleMask & 2u))
        return PSX_ENOTTY;
    if ((Flags & PSX_REQUEST_TTY_STDERR) && !(Flags & PSX_REQUEST_TTY_STDOUT) &&
        !(HandleMask & 4u))
    {
        return PSX_ENOTTY;
    }
    return 0;
}

/* PACKING ********************************************************************/

typedef struct _PSX_PACKER
{
    uint8_t *Base;
    uint32_t Capacity;
    uint32_t Used;
    int Error;
} PSX_PACKER;

static void
PsxpAppend(PSX_PACKER *Packer,
           const void *Data,
           uint32_t Length,
           PSX_STRING_REF *Ref)
{
    Ref->Offset = 0;
    Ref->Length = 0;
    if (Packer->Error != 0 || Length == 0)
        return;

    if (Length > Packer->Capacity - Packer->Used)
    {
        Packer->Error = PSX_E2BIG;
        return;
    }

    Ref->Offset = Packer->Used;
    Ref->Length = Length;
    memcpy(Packer->Base + Packer->Used, Data, Length);
    Packer->Used += Length;
}

static void
PsxpAppendList(PSX_PACKER *Packer,
               const char *const *Strings,
               uint32_t Count,
               PSX_STRING_REF *Ref)
{
    uint32_t Index;
    uint32_t Start = Packer->Used;

    Ref->Offset = 0;
    Ref->Length = 0;
    if (Packer->Error != 0 || Count == 0)
        return;

    for (Index = 0; Index < Count; Index++)
    {
        PSX_STRING_REF Ignored;
        size_t Length;

        if (Strings[Index] == NULL)
        {
            Packer->Error = PSX_EINVAL;
            return;
        }
        Length = strlen(Strings[Index]) + 1;
        if (Length > PSX_REQUEST_MAX_SIZE)
        {
            Packer->Error = PSX_E2BIG;
            return;
        }
        PsxpAppend(Packer, Strings[Index], (uint32_t)Length, &Ignored);
        if (Packer->Error != 0)
            return;
    }

    Ref->Offset = Start;
    Ref->Length = Packer->Used - Start;
}

int
PsxPackRequest(void *Buffer,
               uint32_t Capacity,
               uint32_t MinorVersion,
               const PSX_REQUEST_PARAMS *Params,
               uint32_t *Written)
{
    uint32_t HeaderSize = PSX_REQUEST_HEADER_SIZE(MinorVersion);
    PSX_PACKER Packer;
    PSX_REQUEST Header;
    size_t Length;
    int Error;

    *Written = 0;
    if (Params == NULL || Params->Program == NULL || Params->Program[0] == '\0')
        return PSX_EINVAL;
    if ((Params->Flags & ~PsxpValidFlags(MinorVersion)) != 0)
        return PSX_EINVAL;
    Error = PsxpCheckTerminal(Params->Flags, Params->TerminalRows, Params->TerminalColumns);
    if (Error != 0)
        return Error;
    if ((Params->ArgumentCount != 0 && Params->Arguments == NULL) ||
        (Params->EnvironmentCount != 0 && Params->Environment == NULL))
    {
        return PSX_EINVAL;
    }
    if (Params->ArgumentCount > PSX_MAX_ARGUMENTS ||
        Params->EnvironmentCount > PSX_MAX_ENVIRONMENT)
    {
        return PSX_E2BIG;
    }
    if ((Params->ImagePath != NULL && Params->ImagePathChars > PSX_MAX_NT_PATH_CHARS) ||
        (Params->Root != NULL && Params->RootChars > PSX_MAX_NT_PATH_CHARS))
    {
        return PSX_ENAMETOOLONG;
    }
    if (!(Params->Flags & PSX_REQUEST_USER) &&
        (Params->Uid != 0 || Params->Gid != 0 || Params->GroupCount != 0))
    {
        return PSX_EINVAL;
    }
    if (Params->GroupCount > PSX_MAX_GROUPS)
        return PSX_E2BIG;
    if (Params->GroupCount != 0 && Params->Groups == NULL)
        return PSX_EINVAL;

    if (Capacity > PSX_REQUEST_MAX_SIZE)
        Capacity = PSX_REQUEST_MAX_SIZE;
    if (Capacity < HeaderSize)
        return PSX_E2BIG;

    memset(&Header, 0, sizeof(Header));
    Header.Magic = PSX_REQUEST_MAGIC;
    Header.Flags = Params->Flags;
    Header.TerminalRows = Params->TerminalRows;
    Header.TerminalColumns = Params->TerminalColumns;
    Header.Uid = Params->Uid;
    Header.Gid = Params->Gid;

    Packer.Base = Buffer;
    Packer.Capacity = Capacity;
    Packer.Used = HeaderSize;
    Packer.Error = 0;

    Length = strlen(Params->Program) + 1;
    if (Length > PSX_MAX_LINUX_PATH)
        return PSX_ENAMETOOLONG;
    PsxpAppend(&Packer, Params->Program, (uint32_t)Length, &Header.Program);

    if (Params->Cwd != NULL)
    {
        Length = strlen(Params->Cwd) + 1;
        if (Length > PSX_MAX_LINUX_PATH)
            return PSX_ENAMETOOLONG;
        PsxpAppend(&Packer, Params->Cwd, (uint32_t)Length, &Header.Cwd);
    }

    /* UTF-16 strings keep 2-byte alignment: pad what comes before them */
    if ((Packer.Used & 1) && (Params->ImagePath != NULL || Params->Root != NULL))
    {
        PSX_STRING_REF Ignored;
        PsxpAppend(&Packer, "", 1, &Ignored);
    }
    if (Params->ImagePath != NULL)
    {
        PsxpAppend(&Packer,
                   Params->ImagePath,
                   Params->ImagePathChars * 2,
                   &Header.ImagePath);
    }
    if (Params->Root != NULL)
        PsxpAppend(&Packer, Params->Root, Params->RootChars * 2, &Header.Root);

    PsxpAppendList(&Packer, Params->Arguments, Params->ArgumentCount, &Header.Arguments);
    Header.ArgumentCount = Params->ArgumentCount;
    PsxpAppendList(&Packer,
                   Params->Environment,
                   Params->EnvironmentCount,
                   &Header.Environment);
    Header.EnvironmentCount = Params->EnvironmentCount;

    /* the gids keep 4-byte alignment */
    while (Params->GroupCount != 0 && (Packer.Used & 3) && Packer.Error == 0)
    {
        PSX_STRING_REF Ignored;
        PsxpAppend(&Packer, "", 1, &Ignored);
    }
    PsxpAppend(&Packer, Params->Groups, Params->GroupCount * 4, &Header.Groups);

    if (Packer.Error != 0)
        return Packer.Error;

    Header.Size = Packer.Used;
    memcpy(Buffer, &Header, HeaderSize);
    *Written = Packer.Used;
    return 0;
}

/* VALIDATION *****************************************************************/

static int
PsxpCheckRef(const PSX_REQUEST *Request,
             uint32_t HeaderSize,
             const PSX_STRING_REF *Ref)
{
    if (Ref->Length == 0)
        return Ref->Offset == 0 ? 0 : PSX_EINVAL;

    /* Strings live after the header and inside Size; no wrap-around */
    if (Ref->Offset < HeaderSize ||
        Ref->Offset > Request->Size ||
        Ref->Length > Request->Size - Ref->Offset)
    {
        return PSX_EINVAL;
    }
    return 0;
}

/* One NUL-terminated UTF-8 string, the NUL being the last byte and the only one. */
static int
PsxpCheckUtf8String(const uint8_t *Base,
                    const PSX_STRING_REF *Ref,
                    uint32_t MaxLength)
{
    if (Ref->Length == 0)
        return 0;
    if (Ref->Length > MaxLength)
        return PSX_ENAMETOOLONG;
    if (Base[Ref->Offset + Ref->Length - 1] != '\0')
        return PSX_EINVAL;
    if (memchr(Base + Ref->Offset, '\0', Ref->Length - 1) != NULL)
        return PSX_EINVAL;
    return 0;
}

/* Count NUL-terminated strings packed back to back, the last byte being a NUL. */
static int
PsxpCheckUtf8List(const uint8_t *Base,
                  const PSX_STRING_REF *Ref,
                  uint32_t Count,
                  uint32_t MaxCount)
{
    uint32_t Index;
    uint32_t Found = 0;

    if (Count > MaxCount)
        return PSX_E2BIG;
    if (Count == 0)
        return Ref->Length == 0 ? 0 : PSX_EINVAL;
    if (Ref->Length == 0 || Base[Ref->Offset + Ref->Length - 1] != '\0')
        return PSX_EINVAL;

    for (Index = 0; Index < Ref->Length; Index++)
    {
        if (Base[Ref->Offset + Index] == '\0')
            Found++;
    }
    return Found == Count ? 0 : PSX_EINVAL;
}

static int
PsxpCheckUtf16String(const PSX_STRING_REF *Ref)
{
    if ((Ref->Offset & 1) || (Ref->Length & 1))
        return PSX_EINVAL;
    if (Ref->Length / 2 > PSX_MAX_NT_PATH_CHARS)
        return PSX_ENAMETOOLONG;
    return 0;
}

int
PsxValidateRequest(const void *Buffer,
                   uint32_t Length,
                   uint32_t MinorVersion,
                   PSX_REQUEST_VIEW *View)
{
    uint32_t HeaderSize = PSX_REQUEST_HEADER_SIZE(MinorVersion);
    const uint8_t *Base = Buffer;
    PSX_REQUEST Request;
    int Error;

    memset(View, 0, sizeof(*View));
    if (Buffer == NULL || Length < HeaderSize)
        return PSX_EINVAL;
    if (Length > PSX_REQUEST_MAX_SIZE)
        return PSX_E2BIG;

    /* Only the header of this version is read: in minor 0 strings follow EnvironmentCount */
    memset(&Request, 0, sizeof(Request));
    memcpy(&Request, Buffer, HeaderSize);
    if (Request.Magic != PSX_REQUEST_MAGIC || Request.Size != Length)
        return PSX_EINVAL;
    if ((Request.Flags & ~PsxpValidFlags(MinorVersion)) != 0)
        return PSX_EINVAL;
    Error = PsxpCheckTerminal(Request.Flags, Request.TerminalRows, Request.TerminalColumns);
    if (Error != 0)
        return Error;

    if ((Error = PsxpCheckRef(&Request, HeaderSize, &Request.Program)) != 0 ||
        (Error = PsxpCheckRef(&Request, HeaderSize, &Request.ImagePath)) != 0 ||
        (Error = PsxpCheckRef(&Request, HeaderSize, &Request.Root)) != 0 ||
        (Error = PsxpCheckRef(&Request, HeaderSize, &Request.Cwd)) != 0 ||
        (Error = PsxpCheckRef(&Request, HeaderSize, &Request.Arguments)) != 0 ||
        (Error = PsxpCheckRef(&Request, HeaderSize, &Request.Environment)) != 0 ||
        (Error = PsxpCheckRef(&Request, HeaderSize, &Request.Groups)) != 0)
    {
        return Error;
    }
    /* the user: only with its flag; the groups a 4-byte aligned list of gids */
    if (!(Request.Flags & PSX_REQUEST_USER) &&
        (Request.Uid != 0 || Request.Gid != 0 || Request.Groups.Length != 0))
    {
        return PSX_EINVAL;
    }
    if ((Request.Groups.Offset & 3) || (Request.Groups.Length & 3))
        return PSX_EINVAL;
    if (Request.Groups.Length / 4 > PSX_MAX_GROUPS)
        return PSX_E2BIG;

    /* The program is required and must be a non-empty string */
    if (Request.Program.Length < 2)
        return PSX_EINVAL;
    if ((Error = PsxpCheckUtf8String(Base, &Request.Program, PSX_MAX_LINUX_PATH)) != 0 ||
        (Error = PsxpCheckUtf8String(Base, &Request.Cwd, PSX_MAX_LINUX_PATH)) != 0 ||
        (Error = PsxpCheckUtf16String(&Request.ImagePath)) != 0 ||
        (Error = PsxpCheckUtf16String(&Request.Root)) != 0 ||
        (Error = PsxpCheckUtf8List(Base,
                                   &Request.Arguments,
                                   Request.ArgumentCount,
                                   PSX_MAX_ARGUMENTS)) != 0 ||
        (Error = PsxpCheckUtf8List(Base,
                                   &Request.Environment,
                                   Request.EnvironmentCount,
                                   PSX_MAX_ENVIRONMENT)) != 0)
    {
        return Error;
    }

    /* A given working directory must be absolute */
    if (Request.Cwd.Length != 0 && Base[Request.Cwd.Offset] != '/')
        return PSX_EINVAL;

    View->Flags = Request.Flags;
    View->Program = (const char *)(Base + Request.Program.Offset);
    if (Request.ImagePath.Length != 0)
    {
        View->ImagePath = (const uint16_t *)(const void *)(Base + Request.ImagePath.Offset);
        View->ImagePathChars = Request.ImagePath.Length / 2;
    }
    if (Request.Root.Length != 0)
    {
        View->Root = (const uint16_t *)(const void *)(Base + Request.Root.Offset);
        View->RootChars = Request.Root.Length / 2;
    }
    View->Cwd = Request.Cwd.Length != 0 ? (const char *)(Base + Request.Cwd.Offset) : "/";
    if (Request.ArgumentCount != 0)
    {
        View->Arguments = (const char *)(Base + Request.Arguments.Offset);
        View->ArgumentsLength = Request.Arguments.Length;
    }
    View->ArgumentCount = Request.ArgumentCount;
    if (Request.EnvironmentCount != 0)
    {
        View->Environment = (const char *)(Base + Request.Environment.Offset);
        View->EnvironmentLength = Request.Environment.Length;
    }
    View->EnvironmentCount = Request.EnvironmentCount;
    View->TerminalRows = Request.TerminalRows;
    View->TerminalColumns = Request.TerminalColumns;
    View->Uid = Request.Uid;
    View->Gid = Request.Gid;
    View->GroupCount = Request.Groups.Length / 4;
    if (View->GroupCount != 0)
        memcpy(View->Groups, Base + Request.Groups.Offset, Request.Groups.Length);
    return 0;
}
